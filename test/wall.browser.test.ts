// The wall screen in real headless Chromium against a real server: live data, countdowns, language, 1080p/4K, reconnects.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { startTestServer, type TestServer } from './helpers/server.ts';
import { gridByCode, newTicket, noAutoDispatch, type GridRef } from './helpers/fixtures.ts';
import { ARTIFACTS, ensureClientBuilt, launchBrowser } from './helpers/browser.ts';

interface Ctx { s: TestServer; browser: Browser; duty: string; g: GridRef; page: Page; external: string[] }
const W = suite<Ctx>('wall screen');

W.before(async (ctx) => {
  await ensureClientBuilt();
  await mkdir(ARTIFACTS, { recursive: true });
  ctx.s = await startTestServer();
  await noAutoDispatch(ctx.s.sql);
  ctx.duty = await ctx.s.login('duty');
  ctx.g = await gridByCode(ctx.s.sql, '01-1');
  ctx.browser = await launchBrowser();
  ctx.external = [];
});
W.after(async ({ s, browser }) => {
  await browser?.close();
  await s?.close();
});

async function openWall(ctx: Ctx, size: { width: number; height: number }, lang = 'zh'): Promise<Page> {
  await ctx.page?.close();
  const page = await ctx.browser.newPage({ viewport: size });
  // No internet in a command room: every request must stay on the server (fonts and map included).
  page.on('request', (r) => { if (!r.url().startsWith(ctx.s.url) && !r.url().startsWith('data:')) ctx.external.push(r.url()); });
  await page.goto(`${ctx.s.url}/wall?token=${encodeURIComponent(ctx.s.displayToken)}&lang=${lang}`);
  await page.waitForSelector('[data-testid=conn-status][data-status=live]', { timeout: 10_000 });
  await page.waitForSelector('.gridops-label.community');
  await page.evaluate(() => document.fonts.ready);
  ctx.page = page;
  return page;
}

const text = (page: Page, testid: string) => page.locator(`[data-testid=${testid}]`).innerText();
const kpi = async (page: Page, testid: string) => Number((await page.locator(`[data-testid=${testid}] .value`).innerText()).replace(/\D+/g, ''));

/** Asserts the page fits the screen and that no two map labels overlap. */
async function assertTidy(page: Page) {
  const m = await page.evaluate(() => ({
    sw: document.documentElement.scrollWidth, sh: document.documentElement.scrollHeight, w: innerWidth, h: innerHeight,
    labels: [...document.querySelectorAll('.gridops-label')].map((e) => e.getBoundingClientRect()).map((r) => [r.left, r.top, r.right, r.bottom]),
  }));
  assert.ok(m.sw <= m.w && m.sh <= m.h, `no scrolling: page is ${m.sw}×${m.sh} in ${m.w}×${m.h}`);
  assert.ok(m.labels.length >= 12, `community and grid names are shown (${m.labels.length})`);
  for (let i = 0; i < m.labels.length; i++) for (let j = i + 1; j < m.labels.length; j++) {
    const [a, b] = [m.labels[i], m.labels[j]];
    assert.not.ok(a[0] < b[2] && b[0] < a[2] && a[1] < b[3] && b[1] < a[3], `labels ${i} and ${j} overlap`);
  }
}

/** Share of each map canvas (by pane) that is painted: the layers draw on canvases, so the DOM alone cannot tell. */
async function mapInk(page: Page): Promise<Record<'grids' | 'tickets' | 'responders', number>> {
  // No named helpers inside evaluate(): tsx's keepNames would reference a __name the page does not have.
  const [grids, tickets, responders] = await page.evaluate(() => ['grids', 'tickets', 'responders'].map((pane) => {
    const c = document.querySelector<HTMLCanvasElement>(`.leaflet-gridops-${pane}-pane canvas`);
    if (!c || !c.width) return 0;
    const px = c.getContext('2d')!.getImageData(0, 0, c.width, c.height).data;
    let n = 0;
    for (let i = 3; i < px.length; i += 4) if (px[i] > 0) n++;
    return n / (c.width * c.height);
  }));
  return { grids, tickets, responders };
}

W('the display link shows the street office live, with the bundled CJK font and nothing from outside', async (ctx) => {
  const page = await openWall(ctx, { width: 1920, height: 1080 });
  assert.match(await page.locator('.office').innerText(), '街道');
  const font = await page.evaluate(async () => {
    await document.fonts.load('700 20px "Noto Sans SC"', '网格');
    return [...document.fonts].some((f) => f.family.replace(/"/g, '') === 'Noto Sans SC' && f.status === 'loaded');
  });
  assert.ok(font, 'Noto Sans SC is served by the app itself');
  assert.match(await text(page, 'clock'), /^\d\d:\d\d:\d\d$/);
  await assertTidy(page);
  assert.equal(ctx.external, [], 'no request leaves the server');
  await page.waitForFunction(() => document.querySelector('.leaflet-gridops-tickets-pane canvas') !== null);
  await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
  const ink = await mapInk(page);
  assert.ok(ink.grids > 0.2, `the grids are filled (${ink.grids.toFixed(3)} of the grid canvas painted)`);
  // The grids fill the map panel (fractional zoom): edge to edge on the side that limits the fit, the legend's
  // column on the right excepted.
  const fill = await page.evaluate(() => {
    const map = document.querySelector('[data-testid=map]')!.getBoundingClientRect();
    const legend = document.querySelector('[data-testid=map-legend]')?.getBoundingClientRect();
    const cv = document.querySelector<HTMLCanvasElement>('.leaflet-gridops-grids-pane canvas')!;
    const cr = cv.getBoundingClientRect();
    const px = cv.getContext('2d')!.getImageData(0, 0, cv.width, cv.height).data;
    let x0 = Infinity, y0 = Infinity, x1 = -Infinity, y1 = -Infinity;
    for (let y = 0; y < cv.height; y += 2) for (let x = 0; x < cv.width; x += 2) {
      if (px[(y * cv.width + x) * 4 + 3] === 0) continue;
      x0 = Math.min(x0, x); x1 = Math.max(x1, x); y0 = Math.min(y0, y); y1 = Math.max(y1, y);
    }
    const k = cr.width / cv.width;
    const room = (legend ? legend.left : map.right) - map.left;
    return { w: ((x1 - x0) * k) / room, h: ((y1 - y0) * k) / map.height };
  });
  assert.ok(Math.max(fill.w, fill.h) > 0.95, `the grids fill the map panel on one side (${fill.w.toFixed(2)} of its width, ${fill.h.toFixed(2)} of its height)`);
});

W('a new report appears at once: counts, countdown in the closest-to-breach panel, ticker line', async (ctx) => {
  const page = ctx.page;
  const before = await kpi(page, 'kpi-open');
  const res = await ctx.s.api('POST', '/api/tickets', { cookie: ctx.duty, body: newTicket(ctx.g, { category: 'elevator', description: '电梯困人' }) });
  assert.is(res.status, 201);
  const row = page.locator(`[data-testid=breach-panel] [data-ticket-id="${res.body.id}"]`);
  await row.waitFor({ timeout: 5000 });
  assert.match(await row.innerText(), /还剩 \d:\d\d/);
  assert.match(await row.innerText(), '电梯故障');
  assert.ok(await kpi(page, 'kpi-open') >= before + 1);
  await page.locator('[data-testid=ticker] li', { hasText: '电梯故障' }).first().waitFor({ timeout: 5000 });
  assert.ok((await mapInk(page)).tickets > 0, 'the ticket is drawn on the map');
});

W('an overdue ticket is red and counts up; the breached tile lights', async (ctx) => {
  const res = await ctx.s.api('POST', '/api/tickets', { cookie: ctx.duty, body: newTicket(ctx.g, { category: 'clutter' }) });
  // Time travel for the test: the report was 12 minutes ago (10-minute target), then the wall reconnects.
  await ctx.s.sql`UPDATE tickets SET reported_at = now() - interval '12 minutes' WHERE id = ${res.body.id}`;
  const page = await openWall(ctx, { width: 1920, height: 1080 });
  const row = page.locator(`[data-testid=breach-panel] [data-ticket-id="${res.body.id}"]`);
  await row.waitFor();
  assert.ok(await row.evaluate((e) => e.classList.contains('breached')));
  const first = await row.locator('.clock').innerText();
  assert.match(first, /^超时 2:0\d$/);
  assert.ok(await kpi(page, 'kpi-breached') >= 1);
  assert.ok(await page.locator('[data-testid=kpi-breached]').evaluate((e) => e.classList.contains('alarm')));
  // The clock ticks once a second; on a loaded CI machine a tick can come late, so allow a few.
  let later = first;
  for (let i = 0; i < 50 && later === first; i++) {
    await page.waitForTimeout(100);
    later = await row.locator('.clock').innerText();
  }
  assert.is.not(later, first, 'the late clock keeps counting');
  await page.screenshot({ path: path.join(ARTIFACTS, 'wall-1080p-zh.png') });
});

W('English at the press of a button; 1080p screenshot', async (ctx) => {
  const page = ctx.page;
  await page.click('[data-testid=lang-switch]');
  await page.locator('[data-testid=breach-panel] h2', { hasText: 'Closest to breach' }).waitFor();
  assert.match(await page.locator('[data-testid=breach-panel] .row.breached .clock').first().innerText(), /^late \d+:\d\d$/);
  assert.match(await text(page, 'kpi-open'), 'Open now');
  await page.evaluate(() => document.fonts.ready);
  await assertTidy(page);
  await page.screenshot({ path: path.join(ARTIFACTS, 'wall-1080p-en.png') });
});

W('4K: same layout at twice the size, no scrolling, both languages', async (ctx) => {
  for (const lang of ['zh', 'en']) {
    const page = await openWall(ctx, { width: 3840, height: 2160 }, lang);
    const rem = await page.evaluate(() => parseFloat(getComputedStyle(document.documentElement).fontSize));
    assert.is(rem, 40, 'the wall scales with the screen');
    await assertTidy(page);
    await page.screenshot({ path: path.join(ARTIFACTS, `wall-4k-${lang}.png`) });
  }
});

W('a responder on duty moves on the wall from the position stream', async (ctx) => {
  const page = await openWall(ctx, { width: 1920, height: 1080 });
  const cookie = await ctx.s.login('r001');
  const sock = ctx.s.socket({ cookie });
  await new Promise<void>((r) => sock.on('connect', () => r()));
  const duty = await sock.timeout(3000).emitWithAck('duty:set', { onDuty: true });
  assert.ok(duty.ok);
  const id = duty.ok ? duty.data.id : '';
  await page.waitForFunction(() => /^[1-9]/.test(document.querySelector('[data-testid=kpi-responders] .value')!.textContent!.trim()), null, { timeout: 5000 });
  const at = { lat: ctx.g.lat + 0.0003, lng: ctx.g.lng - 0.0002 };
  const ack = await sock.timeout(3000).emitWithAck('location:report', { ...at, accuracy: 8, at: new Date().toISOString() });
  assert.ok(ack.ok, JSON.stringify(ack));
  await page.waitForFunction(({ id, lat }) => {
    const w = (window as unknown as { __wall: { store: { positions: Map<string, [string, number, number, number]> } } }).__wall;
    // The wire form carries 1e-7° (about a centimetre).
    return Math.abs((w.store.positions.get(id)?.[1] ?? 0) - lat) < 1e-6;
  }, { id, lat: at.lat }, { timeout: 5000 });
  // Markers move twice a second: the square appears on the responders' canvas within that.
  for (let i = 0; i < 30 && (await mapInk(page)).responders === 0; i++) await page.waitForTimeout(100);
  assert.ok((await mapInk(page)).responders > 0, 'the responder is drawn');
  sock.close();
});

W('a server restart shows "reconnecting" with the data time, then live again with a fresh snapshot', async (ctx) => {
  const page = ctx.page;
  ctx.s.app.io.disconnectSockets(true);
  await page.waitForSelector('[data-testid=conn-status][data-status=reconnecting]', { timeout: 3000 });
  assert.match(await text(page, 'data-as-of'), /数据截至 \d\d:\d\d:\d\d/);
  await page.screenshot({ path: path.join(ARTIFACTS, 'wall-1080p-reconnecting.png') });
  await page.waitForSelector('[data-testid=conn-status][data-status=live]', { timeout: 10_000 });
});

W('a wrong display token says so instead of showing stale data', async (ctx) => {
  const page = await ctx.browser.newPage({ viewport: { width: 1920, height: 1080 } });
  await page.goto(`${ctx.s.url}/wall?token=not-a-token`);
  await page.waitForSelector('[data-testid=conn-status][data-status=offline]', { timeout: 5000 });
  assert.match(await text(page, 'conn-status'), '显示令牌无效');
  await page.close();
});

W('sign-in sends each role to its page; the wall without a token or session asks to sign in', async (ctx) => {
  const page = await ctx.browser.newPage({ viewport: { width: 1280, height: 800 } });
  await page.goto(`${ctx.s.url}/`);
  await page.waitForURL('**/login');
  const signIn = async (username: string, password = 'demo1234') => {
    await page.fill('input[name=username]', username);
    await page.fill('input[name=password]', password);
    await page.click('button[type=submit]');
  };
  await signIn('duty', 'wrong-password');
  assert.match(await page.locator('.error').innerText(), '用户名或密码错误');
  await signIn('duty');
  await page.waitForURL('**/dispatch');
  await page.goto(`${ctx.s.url}/login`);
  await signIn('manager');
  await page.waitForURL('**/reports*');
  // A manager also opens the wall with the session alone.
  await page.goto(`${ctx.s.url}/wall`);
  await page.waitForSelector('[data-testid=conn-status][data-status=live]', { timeout: 10_000 });
  await page.goto(`${ctx.s.url}/login`);
  await signIn('r001');
  await page.waitForURL('**/m');
  await page.context().clearCookies();
  await page.goto(`${ctx.s.url}/wall`);
  await page.waitForURL('**/login', { timeout: 10_000 });
  await page.close();
});

W.run();
