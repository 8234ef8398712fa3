// The responder's phone page in real Chromium: auto-dispatch with sound and vibration, a flaky network, off duty means no location.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { startTestServer, type TestServer } from './helpers/server.ts';
import { gridByCode, newTicket, responderIn, type GridRef } from './helpers/fixtures.ts';
import { ARTIFACTS, ensureClientBuilt, goOnDuty, launchBrowser } from './helpers/browser.ts';
import { offset, phoneOptions, signedInContext, until } from './helpers/dispatch.ts';

interface Ctx { s: TestServer; browser: Browser; g: GridRef; duty: string; pctx: BrowserContext; phone: Page; responderId: string }
const P = suite<Ctx>('phone page');

P.before(async (ctx) => {
  await ensureClientBuilt();
  await mkdir(ARTIFACTS, { recursive: true });
  ctx.s = await startTestServer();
  ctx.g = await gridByCode(ctx.s.sql, '01-1');
  ctx.duty = await ctx.s.login('duty');
  ctx.browser = await launchBrowser();
  const r = await responderIn(ctx.s.sql, ctx.g.id);
  ctx.responderId = r.responderId;
  ctx.pctx = await signedInContext(ctx.browser, ctx.s, r.username, phoneOptions(offset(ctx.g, 150)));
  // Record vibrations: headless Chromium has no motor to check.
  await ctx.pctx.addInitScript(() => {
    (window as any).__vibrations = [];
    (navigator as any).vibrate = (p: unknown) => { (window as any).__vibrations.push(p); return true; };
  });
  ctx.phone = await ctx.pctx.newPage();
  await ctx.phone.goto(`${ctx.s.url}/m`);
  await ctx.phone.waitForSelector('[data-testid=phone][data-ready=true]');
  await goOnDuty(ctx.phone, ctx.responderId, ctx.s.sql);
});
P.after(async ({ s, browser }) => {
  await browser?.close();
  await s?.close();
});

const events = async (s: TestServer, id: string) => (await s.sql<{ action: string }[]>`SELECT action FROM ticket_events WHERE ticket_id = ${id} ORDER BY id`).map((e) => e.action);
const status = async (s: TestServer, id: string) => (await s.sql<{ status: string }[]>`SELECT status FROM tickets WHERE id = ${id}`)[0].status;

P('auto-dispatch without a leader: the phone rings and buzzes, one tap accepts', async ({ s, duty, g, phone }) => {
  const t = (await s.api('POST', '/api/tickets', { cookie: duty, body: newTicket(g, { category: 'wires', description: '楼道内电动车飞线充电' }) })).body;
  const card = phone.locator(`[data-testid=offer-card][data-ticket-id="${t.id}"]`);
  await card.waitFor({ timeout: 5000 });
  assert.ok(Number(await phone.evaluate(() => document.documentElement.dataset.beeps)) >= 1, 'it rang');
  assert.ok((await phone.evaluate(() => (window as any).__vibrations.length)) >= 1, 'it buzzed');
  assert.match(await card.innerText(), /紧急/);
  await card.locator('[data-testid=accept]').click();
  await phone.locator(`[data-testid=task-card][data-ticket-id="${t.id}"][data-status=accepted]`).waitFor();
  await until(async () => (await status(s, t.id)) === 'accepted', 3000, 'accepted on the server');
});

P('offline: "arrived" and the resolve with its photo wait in the outbox, say so, and go once the network returns', async (ctx) => {
  const { s, phone, pctx } = ctx;
  const task = phone.locator('[data-testid=task-card][data-status=accepted]');
  const id = (await task.getAttribute('data-ticket-id'))!;
  await pctx.setOffline(true);
  await task.locator('[data-testid=arrived]').click();
  // The page moves on at once (the next step is the resolve form) and shows what is still to be sent.
  await phone.locator(`[data-testid=task-card][data-ticket-id="${id}"][data-status=responded]`).waitFor();
  await phone.locator('[data-testid=pending][data-count="1"]').waitFor();
  const picture = await phone.screenshot({ type: 'jpeg', quality: 50 });
  await phone.setInputFiles('[data-testid=photo-input]', { name: 'scene.jpg', mimeType: 'image/jpeg', buffer: picture });
  await phone.locator('[data-testid=photo-preview]').waitFor();
  await phone.fill('textarea[name=note]', '已拆除飞线，提醒住户到充电桩充电');
  await phone.click('[data-testid=resolve]');
  await phone.locator('[data-testid=pending][data-count="3"]').waitFor();
  assert.match(await phone.locator('[data-testid=pending]').innerText(), /待发送 3 项/);
  assert.match(await phone.locator('[data-testid=pending]').innerText(), /网络恢复后自动发送/);
  // A reload would find the queue in localStorage (the keys survive, so a resend is safe).
  const stored = await phone.evaluate(() => JSON.parse(localStorage.getItem(Object.keys(localStorage).find((k) => k.startsWith('gridops.outbox.'))!)!));
  assert.equal(stored.map((i: { kind: string; action?: string }) => i.action ?? i.kind), ['respond', 'photo', 'resolve']);
  await phone.screenshot({ path: path.join(ARTIFACTS, 'phone-offline-queue.png') });
  assert.is(await status(s, id), 'accepted', 'nothing reached the server');

  await pctx.setOffline(false);
  await phone.locator('[data-testid=pending]').waitFor({ state: 'detached', timeout: 15_000 });
  await until(async () => (await status(s, id)) === 'resolved', 5000, 'resolved on the server');
  assert.equal(await events(s, id), ['report', 'dispatch', 'accept', 'respond', 'photo', 'resolve'], 'each step once, in order');
});

P('a lost answer is retried with the same key and the server does not act twice', async ({ s, duty, g, phone }) => {
  const t = (await s.api('POST', '/api/tickets', { cookie: duty, body: newTicket(g, { category: 'pets', description: '大型犬未拴绳' }) })).body;
  await phone.locator(`[data-testid=offer-card][data-ticket-id="${t.id}"]`).waitFor({ timeout: 5000 });
  // The accept reaches the server, but its answer is lost on the way back (a tunnel, a lift).
  let dropped = 0;
  await phone.route(`**/api/tickets/${t.id}/accept`, async (route) => {
    if (dropped++ === 0) { await route.fetch(); await route.abort('connectionreset'); } else await route.continue();
  });
  await phone.click(`[data-testid=offer-card][data-ticket-id="${t.id}"] [data-testid=accept]`);
  await until(() => dropped >= 2, 8000, 'the retry');
  await phone.locator('[data-testid=pending]').waitFor({ state: 'detached', timeout: 8000 });
  assert.equal(await events(s, t.id), ['report', 'dispatch', 'accept']);
  await phone.unroute(`**/api/tickets/${t.id}/accept`);
  const task = phone.locator(`[data-testid=task-card][data-ticket-id="${t.id}"]`);
  await task.locator('[data-testid=arrived]').click();
  await phone.fill(`[data-testid=task-card][data-ticket-id="${t.id}"] textarea[name=note]`, '已提醒狗主人');
  await phone.click(`[data-testid=task-card][data-ticket-id="${t.id}"] [data-testid=resolve]`);
  await until(async () => (await status(s, t.id)) === 'resolved', 5000, 'resolved');
});

P('an accept queued offline after the offer ran out is refused, and the page says why instead of pretending', async ({ s, duty, g, phone, pctx }) => {
  const t = (await s.api('POST', '/api/tickets', { cookie: duty, body: newTicket(g, { category: 'posters', description: '电线杆上乱贴广告' }) })).body;
  await phone.locator(`[data-testid=offer-card][data-ticket-id="${t.id}"]`).waitFor({ timeout: 5000 });
  await pctx.setOffline(true);
  await phone.click(`[data-testid=offer-card][data-ticket-id="${t.id}"] [data-testid=accept]`);
  await s.sql`UPDATE offers SET expires_at = now() WHERE ticket_id = ${t.id} AND status = 'offered'`;
  await until(async () => (await s.sql`SELECT 1 FROM offers WHERE ticket_id = ${t.id} AND status = 'expired'`).length > 0, 5000, 'expiry');
  await pctx.setOffline(false);
  await phone.locator('[data-testid=pending][data-failed="1"]').waitFor({ timeout: 15_000 });
  assert.match(await phone.locator('[data-testid=pending] li.failed').innerText(), /未成功/);
  await phone.screenshot({ path: path.join(ARTIFACTS, 'phone-refused.png') });
  await phone.click('[data-testid=pending] li.failed button');
  await phone.locator('[data-testid=pending]').waitFor({ state: 'detached' });
  assert.not.ok((await events(s, t.id)).includes('accept'));
});

P('off duty: the phone stops reading and sending its location at once', async ({ s, phone, pctx, responderId }) => {
  await phone.locator('[data-testid=task-card]').waitFor({ state: 'detached' });
  await phone.click('[data-testid=duty-off]');
  await phone.waitForSelector('[data-testid=phone][data-duty=off_duty]');
  assert.is(await phone.evaluate(() => (window as any).__phone.loc.active), false);
  assert.is((await s.sql`SELECT 1 FROM latest_positions WHERE responder_id = ${responderId}`).length, 0, 'the last position is gone from every screen');
  const [{ n: before }] = await s.sql<{ n: number }[]>`SELECT count(*)::int AS n FROM positions WHERE responder_id = ${responderId}`;
  await pctx.setGeolocation({ latitude: 38.31, longitude: 116.86, accuracy: 5 });
  await phone.waitForTimeout(6000);
  const [{ n: after }] = await s.sql<{ n: number }[]>`SELECT count(*)::int AS n FROM positions WHERE responder_id = ${responderId}`;
  assert.is(after, before, 'no position was sent while off duty');
  await phone.screenshot({ path: path.join(ARTIFACTS, 'phone-off-duty.png') });
});

P('English, phone-sized, one thumb: the duty button is large and nothing overflows', async ({ phone }) => {
  await phone.goto(phone.url().split('?')[0] + '?lang=en');
  await phone.waitForSelector('[data-testid=phone][data-ready=true]');
  const m = await phone.evaluate(() => ({ sw: document.documentElement.scrollWidth, w: innerWidth, h: document.querySelector('[data-testid=duty-on]')!.getBoundingClientRect().height }));
  assert.ok(m.sw <= m.w, `no sideways scrolling (${m.sw} > ${m.w})`);
  assert.ok(m.h >= 56, 'the main button is thumb-sized');
  assert.match(await phone.locator('[data-testid=duty-on]').innerText(), /Go on duty/);
});

P.run();
