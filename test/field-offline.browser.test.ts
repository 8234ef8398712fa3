// The field pages with no signal, in real Chromium against a real server: installable, the phone page loads from its
// service worker's cache after one visit, shows what it last knew as such, queues accept → arrived → resolve, and
// every one of them reaches the server exactly once when the network returns; the wall is never served from the cache.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import path from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { type TestServer } from './helpers/server.ts';
import { newTicket, responderIn, type GridRef } from './helpers/fixtures.ts';
import { ARTIFACTS, browserSuite } from './helpers/browser.ts';
import { offset, phoneOptions, signedInContext, until } from './helpers/dispatch.ts';

interface Ctx { s: TestServer; browser: Browser; g: GridRef; duty: string; pctx: BrowserContext; phone: Page; responderId: string; requests: string[] }
const F = suite<Ctx>('field pages offline');

F.before(async (ctx) => {
  Object.assign(ctx, await browserSuite());
  const r = await responderIn(ctx.s.sql, ctx.g.id);
  ctx.responderId = r.responderId;
  ctx.requests = [];
  // Every HTTP request that reaches the server (the socket's upgrade included): an offline reload must make none.
  // Except the browser's own update check of the worker (its script and the scripts it imports, fetched by the
  // worker's context): Playwright's offline switch does not reach a service worker's network (playwright#2311), so
  // Chromium may check for a new worker while the page is "offline" — a phone with no signal would fail that check
  // and keep the cached one, which is what the page relies on.
  ctx.s.app.server.on('request', (req) => {
    const url = req.url ?? '';
    if (/^\/(sw\.js|workbox-[\w-]+\.js)(\?|$)/.test(url) && (req.headers['service-worker'] === 'script' || req.headers['sec-fetch-dest'] === 'script' || req.headers['sec-fetch-dest'] === 'serviceworker')) return;
    ctx.requests.push(url);
  });
  ctx.pctx = await signedInContext(ctx.browser, ctx.s, r.username, phoneOptions(offset(ctx.g, 150)));
  ctx.phone = await ctx.pctx.newPage();
});
F.after(async ({ s, browser }) => {
  await browser?.close();
  await s?.close();
});

const events = async (s: TestServer, id: string) => (await s.sql<{ action: string }[]>`SELECT action FROM ticket_events WHERE ticket_id = ${id} ORDER BY id`).map((e) => e.action);
const status = async (s: TestServer, id: string) => (await s.sql<{ status: string }[]>`SELECT status FROM tickets WHERE id = ${id}`)[0].status;

F('/m is installable: its own manifest with Chinese names and icons, and a service worker in charge after one visit', async ({ s, phone }) => {
  await phone.goto(`${s.url}/m`);
  await phone.waitForSelector('[data-testid=phone][data-ready=true]');
  const href = await phone.getAttribute('link[rel=manifest]', 'href');
  assert.is(href, '/m.webmanifest');
  const manifest = (await s.api('GET', href!)).body;
  assert.is(manifest.start_url, '/m');
  assert.match(manifest.name, /网格/);
  assert.match(manifest.short_name, /[\u4e00-\u9fff]/);
  assert.is(manifest.display, 'standalone');
  for (const size of ['192x192', '512x512']) {
    const icon = manifest.icons.find((i: { sizes: string }) => i.sizes === size);
    assert.ok(icon, `a ${size} icon`);
    const res = await fetch(s.url + icon.src);
    assert.is(res.status, 200);
    assert.is(res.headers.get('content-type'), 'image/png');
  }
  assert.ok(manifest.icons.some((i: { purpose: string }) => i.purpose === 'maskable'), 'a maskable icon for Android launchers');
  assert.is((await s.api('GET', '/dispatch.webmanifest')).body.start_url, '/dispatch');
  // The worker takes the page it was installed from (so the fonts it loads next are kept).
  await phone.waitForFunction(() => navigator.serviceWorker.controller !== null, null, { timeout: 15_000 });
  const sw = await fetch(`${s.url}/sw.js`);
  assert.is(sw.status, 200);
  assert.match(sw.headers.get('cache-control') ?? '', /max-age=0/, 'the worker script is never served from an HTTP cache');
});

F('offline: the page loads from the cache, says "离线 · 数据截至", and the offer kept from before can be answered', async (ctx) => {
  const { s, phone, pctx, duty, g } = ctx;
  await phone.click('[data-testid=duty-on]');
  await phone.click('[data-testid=consent-agree]');
  await phone.waitForSelector('[data-testid=phone][data-duty=available]');
  const t = (await s.api('POST', '/api/tickets', { cookie: duty, body: newTicket(g, { category: 'clutter', description: '地下车库入口堆放杂物' }) })).body;
  const offer = await s.api('POST', `/api/dispatch/tickets/${t.id}/offer`, { cookie: duty, body: { responderId: ctx.responderId, expectOfferId: null } });
  assert.is(offer.status, 200, JSON.stringify(offer.body));
  await phone.locator(`[data-testid=offer-card][data-ticket-id="${t.id}"]`).waitFor({ timeout: 5000 });
  // The page keeps its picture every few seconds while live.
  await phone.waitForFunction((id) => (localStorage.getItem('gridops.lastKnown.m') ?? '').includes(`"ticketId":"${id}"`), t.id, { timeout: 8000 });
  const kept = await phone.evaluate(() => JSON.parse(localStorage.getItem('gridops.lastKnown.m')!));
  assert.not.ok(JSON.stringify(kept).includes('13812345678'), 'no full phone number is kept');
  assert.ok(kept.snapshot.responders.every((r: { lat: unknown }) => r.lat === null), 'no position is kept');

  await pctx.setOffline(true);
  ctx.requests.length = 0;
  const res = await phone.reload();
  assert.ok(res?.fromServiceWorker(), 'the page came from the service worker');
  await phone.waitForSelector('[data-testid=phone][data-ready=true]', { timeout: 10_000 });
  const note = phone.locator('[data-testid=offline-note]');
  await note.waitFor();
  const noteText = await note.innerText();
  assert.match(noteText, /离线\s*·\s*数据截至\s*\d\d:\d\d/, noteText);
  assert.is(await note.getAttribute('data-restored'), 'true');
  assert.equal(ctx.requests, [], 'nothing reached the server');
  await phone.evaluate(() => document.fonts.ready);
  await phone.screenshot({ path: path.join(ARTIFACTS, 'phone-offline-start.png') });

  const card = phone.locator(`[data-testid=offer-card][data-ticket-id="${t.id}"]`);
  await card.locator('[data-testid=accept]').click();
  const task = phone.locator(`[data-testid=task-card][data-ticket-id="${t.id}"]`);
  await task.locator('[data-testid=arrived]').click();
  await phone.fill(`[data-testid=task-card][data-ticket-id="${t.id}"] textarea[name=note]`, '已清理入口杂物');
  await phone.click(`[data-testid=task-card][data-ticket-id="${t.id}"] [data-testid=resolve]`);
  await phone.locator('[data-testid=pending][data-count="3"]').waitFor();
  assert.match(await phone.locator('[data-testid=pending]').innerText(), /待发送 3 项/);
  await phone.screenshot({ path: path.join(ARTIFACTS, 'phone-offline-queued.png') });
  assert.is(await status(s, t.id), 'dispatched', 'nothing reached the server yet');

  await pctx.setOffline(false);
  await phone.locator('[data-testid=pending]').waitFor({ state: 'detached', timeout: 20_000 });
  await until(async () => (await status(s, t.id)) === 'resolved', 5000, 'resolved on the server');
  await phone.locator('[data-testid=offline-note]').waitFor({ state: 'detached', timeout: 10_000 });
  // Let any late retry land before counting.
  await phone.waitForTimeout(1500);
  assert.equal(await events(s, t.id), ['report', 'dispatch', 'accept', 'respond', 'resolve'], 'each step exactly once, in order');
});

F('the wall is never answered from the cache: live from the server, and offline it does not pretend', async ({ s, pctx }) => {
  await pctx.setOffline(false);
  const page = await pctx.newPage();
  const res = await page.goto(`${s.url}/wall?token=${encodeURIComponent(s.displayToken)}`);
  assert.is(res?.status(), 200);
  assert.not.ok(res?.fromServiceWorker(), 'the wall page came from the server');
  await pctx.setOffline(true);
  let failed = false;
  try { await page.reload({ timeout: 5000 }); } catch { failed = true; }
  assert.ok(failed, 'offline, the wall does not load from a cache');
  await pctx.setOffline(false);
  await page.close();
});

F.run();
