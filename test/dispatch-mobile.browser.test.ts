// The grid leader's console on a phone (390 × 844) and the console's map, in real Chromium against a real server:
// a new ticket rings, buzzes and shows at the top; an offer takes at most three taps; the responder (a second
// context) accepts and the leader sees it; escalate and close from the phone; the intake by GPS with duplicates;
// the map drawn to every corner after selecting, panning and zooming.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import path from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { type TestServer } from './helpers/server.ts';
import { newTicket, responderIn, type GridRef } from './helpers/fixtures.ts';
import { ARTIFACTS, browserSuite, goOnDuty } from './helpers/browser.ts';
import { offset, phoneOptions, signedInContext, until } from './helpers/dispatch.ts';

interface Ctx {
  s: TestServer; browser: Browser; g: GridRef; duty: string; leaderCtx: BrowserContext; lead: Page;
  phoneCtx: BrowserContext; phone: Page; responderId: string; ticketId: string;
}
const M = suite<Ctx>('the console on a phone');

M.before(async (ctx) => {
  Object.assign(ctx, await browserSuite());
  const r = await responderIn(ctx.s.sql, ctx.g.id);
  ctx.responderId = r.responderId;
  ctx.phoneCtx = await signedInContext(ctx.browser, ctx.s, r.username, phoneOptions(offset(ctx.g, 120, 40)));
  ctx.phone = await ctx.phoneCtx.newPage();
  await ctx.phone.goto(`${ctx.s.url}/m`);
  await ctx.phone.waitForSelector('[data-testid=phone][data-ready=true]');
  await goOnDuty(ctx.phone, ctx.responderId, ctx.s.sql);
  // The leader stands in the grid: the intake's GPS button reads this.
  ctx.leaderCtx = await signedInContext(ctx.browser, ctx.s, 'leader01', phoneOptions(offset(ctx.g, -30, 20)));
  await ctx.leaderCtx.addInitScript(() => {
    (window as any).__vibrations = [];
    (navigator as any).vibrate = (p: unknown) => { (window as any).__vibrations.push(p); return true; };
  });
  ctx.lead = await ctx.leaderCtx.newPage();
});
M.after(async ({ s, browser }) => {
  await browser?.close();
  await s?.close();
});

const shot = (p: Page, name: string) => p.screenshot({ path: path.join(ARTIFACTS, name) });
const beeps = (p: Page) => p.evaluate(() => Number(document.documentElement.dataset.beeps ?? 0));

/** Nothing sticks out sideways, and every visible button and text line lies inside the screen. */
async function assertFits(p: Page, what: string) {
  const m = await p.evaluate(() => {
    const out: string[] = [];
    for (const el of document.querySelectorAll<HTMLElement>('button, h2, h3, .count, .clock, .tabs, [data-testid=alerts]')) {
      const r = el.getBoundingClientRect();
      if (r.width === 0 || r.height === 0 || getComputedStyle(el).visibility === 'hidden') continue;
      if (r.left < -0.5 || r.right > innerWidth + 0.5) out.push(`${el.tagName}.${el.className} ${Math.round(r.left)}–${Math.round(r.right)}`);
    }
    return { sw: document.documentElement.scrollWidth, w: innerWidth, out };
  });
  assert.ok(m.sw <= m.w, `${what}: no sideways scrolling (${m.sw} > ${m.w})`);
  assert.equal(m.out, [], `${what}: cut off at the screen's edge`);
}

M('one column at phone width: the queue first, a condensed header, nothing cut off', async ({ s, lead }) => {
  await lead.goto(`${s.url}/dispatch`);
  await lead.waitForSelector('[data-testid=dispatch][data-ready=true]');
  await lead.waitForSelector('[data-testid=conn-status][data-status=live]');
  assert.is(await lead.getAttribute('[data-testid=dispatch]', 'data-pane'), 'queue');
  // The first touch lets the page ring and buzz.
  await lead.tap('[data-testid=queue] .qbar');
  const header = (await lead.locator('.head').boundingBox())!;
  assert.ok(header.height <= 56, `the header is one row (${header.height}px)`);
  await assertFits(lead, 'queue');
});

M('a new ticket rings, buzzes and shows at the top; offered in two taps; the responder accepts and the leader sees it', async (ctx) => {
  const { s, lead, phone, duty, g } = ctx;
  const rang = await beeps(lead);
  const t = (await s.api('POST', '/api/tickets', { cookie: duty, body: newTicket(g, { category: 'clutter', description: '单元门口堆放废旧家具', address: '鼎领域小区 3号楼' }) })).body;
  ctx.ticketId = t.id;
  const alert = lead.locator(`[data-testid=alerts] [data-ticket-id="${t.id}"][data-kind=new]`);
  await alert.waitFor({ timeout: 5000 });
  await until(async () => (await beeps(lead)) > rang, 3000, 'the alert sound');
  assert.ok((await lead.evaluate(() => (window as any).__vibrations.length)) >= 1, 'it buzzed');
  const box = (await alert.boundingBox())!;
  assert.ok(box.y >= 0 && box.y + box.height <= 200, `the alert is at the top of the screen (y ${Math.round(box.y)})`);
  await lead.locator(`[data-testid=queue] [data-ticket-id="${t.id}"]`).waitFor();
  await lead.evaluate(() => document.fonts.ready);
  await shot(lead, 'phone-console-queue.png');

  let taps = 0;
  await alert.locator('[data-testid=alert-open]').tap(); taps++;
  const panel = lead.locator(`[data-testid=ticket-panel][data-ticket-id="${t.id}"]`);
  await panel.waitFor();
  await lead.locator('[data-testid=ticket-panel][data-tab=dispatch]').waitFor();
  const first = lead.locator('[data-testid=candidates] li').first();
  await first.waitFor();
  assert.is(await first.getAttribute('data-responder-id'), ctx.responderId, 'the nearest responder ranks first');
  assert.match(await first.innerText(), /约 \d+ 分钟/);
  await assertFits(lead, 'candidates');
  await shot(lead, 'phone-console-candidates.png');
  await first.locator('[data-testid=offer-btn]').tap(); taps++;
  await lead.locator('[data-testid=offer-now]').waitFor();
  assert.ok(taps <= 3, `offered in ${taps} taps`);
  assert.is((await s.sql<{ status: string }[]>`SELECT status FROM tickets WHERE id = ${t.id}`)[0].status, 'dispatched');

  const card = phone.locator(`[data-testid=offer-card][data-ticket-id="${t.id}"]`);
  await card.waitFor({ timeout: 5000 });
  await card.locator('[data-testid=accept]').click();
  await lead.locator('[data-testid=panel-status]', { hasText: '已接单' }).waitFor({ timeout: 5000 });
  await lead.locator('[data-testid=ticket-panel] .tabs [data-tab=info]').tap();
  await assertFits(lead, 'ticket');
  await shot(lead, 'phone-console-ticket.png');
});

M('the map is a toggle showing the ticket and its candidates, drawn to every corner', async ({ lead }) => {
  await lead.tap('[data-testid=map-toggle]');
  await lead.locator('[data-testid=dispatch][data-pane=map]').waitFor();
  await lead.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
  const corners = await mapCorners(lead);
  assert.ok(corners.every((c) => c > 0.9), `the grids are drawn in every corner of the map (${corners.map((c) => c.toFixed(2))})`);
  await assertFits(lead, 'map');
  await shot(lead, 'phone-console-map.png');
  await lead.tap('[data-testid=map-toggle]');
  await lead.locator('[data-testid=dispatch][data-pane=ticket]').waitFor();
});

M('close from the phone once resolved; reopen is then at hand', async ({ s, lead, phone, ticketId }) => {
  const task = phone.locator(`[data-testid=task-card][data-ticket-id="${ticketId}"]`);
  await task.locator('[data-testid=arrived]').click();
  await phone.fill(`[data-testid=task-card][data-ticket-id="${ticketId}"] textarea[name=note]`, '已联系物业清运');
  await phone.click(`[data-testid=task-card][data-ticket-id="${ticketId}"] [data-testid=resolve]`);
  await lead.locator('[data-testid=panel-status]', { hasText: '已办结' }).waitFor({ timeout: 5000 });
  await lead.locator('[data-testid=ticket-panel] .tabs [data-tab=actions]').tap();
  await lead.locator('[data-testid=actions] [data-action=close]').tap();
  await lead.fill('[data-form=close] textarea', '电话回访，居民满意');
  await lead.locator('[data-form=close] button[type=submit]').tap();
  await lead.locator('[data-testid=panel-status]', { hasText: '已销号' }).waitFor({ timeout: 5000 });
  assert.is((await s.sql<{ status: string }[]>`SELECT status FROM tickets WHERE id = ${ticketId}`)[0].status, 'closed');
  await lead.locator('[data-testid=actions] [data-action=reopen]').waitFor();
  await lead.tap('[data-testid=back]');
  await lead.locator('[data-testid=dispatch][data-pane=queue]').waitFor();
});

M('escalate (吹哨) from the phone, with reject on offer before it', async ({ s, lead, duty, g }) => {
  const t = (await s.api('POST', '/api/tickets', { cookie: duty, body: newTicket(g, { category: 'streetlight', description: '小区主干道路灯整排不亮', ...offset(g, 60) }) })).body;
  await lead.locator(`[data-testid=queue] [data-ticket-id="${t.id}"]`).tap();
  await lead.locator('[data-testid=ticket-panel] .tabs [data-tab=actions]').tap();
  await lead.locator('[data-testid=actions] [data-action=reject]').waitFor();
  await lead.locator('[data-testid=actions] [data-action=escalate]').tap();
  await lead.selectOption('[data-form=escalate] select[name=department]', 'power');
  await lead.fill('[data-form=escalate] input[name=hours]', '24');
  await lead.fill('[data-form=escalate] textarea', '线路故障，需供电公司抢修');
  await assertFits(lead, 'escalate form');
  await lead.locator('[data-form=escalate] button[type=submit]').tap();
  await lead.locator('[data-testid=panel-status]', { hasText: '已吹哨' }).waitFor({ timeout: 5000 });
  const [row] = await s.sql<{ status: string; department: string }[]>`SELECT status, department FROM tickets WHERE id = ${t.id}`;
  assert.equal([row.status, row.department], ['escalated', 'power']);
  await lead.tap('[data-testid=back]');
});

M('intake at phone size: the place by GPS, possible duplicates before saving', async ({ s, lead, duty, g }) => {
  const orig = (await s.api('POST', '/api/tickets', { cookie: duty, body: newTicket(g, { category: 'pets', description: '小区里有大型犬未拴绳', ...offset(g, -20, 10) }) })).body;
  await lead.tap('[data-testid=new-report]');
  await lead.locator('[data-testid=dispatch][data-pane=intake]').waitFor();
  await lead.tap('[data-channel=patrol]');
  await lead.selectOption('select[name=category]', 'pets');
  await lead.fill('textarea[name=description]', '巡查发现：广场上有犬只未拴绳');
  await lead.tap('[data-testid=intake-gps]');
  await lead.locator('[data-testid=intake-location]', { hasText: '金鼎社区 1号网格' }).waitFor({ timeout: 5000 });
  await lead.locator(`[data-testid=duplicates] [data-ticket-id="${orig.id}"]`).waitFor({ timeout: 5000 });
  await assertFits(lead, 'intake');
  await shot(lead, 'phone-console-intake.png');
  // Or by a tap on the map: the form comes back with the place set.
  await lead.tap('[data-testid=intake-pick-map]');
  await lead.locator('[data-testid=dispatch][data-pane=map]').waitFor();
  const box = (await lead.locator('[data-testid=map]').boundingBox())!;
  await lead.touchscreen.tap(box.x + box.width / 2, box.y + box.height / 2);
  await lead.locator('[data-testid=dispatch][data-pane=intake]').waitFor();
  await lead.locator('[data-testid=intake-location]', { hasText: '网格' }).waitFor();
  // Back to where the leader stands (the map's centre may lie in another community), then save.
  await lead.tap('[data-testid=intake-gps]');
  await lead.locator('[data-testid=intake-location]', { hasText: '金鼎社区 1号网格' }).waitFor({ timeout: 5000 });
  await lead.tap('[data-testid=intake-save]');
  await lead.locator('[data-testid=dispatch][data-pane=ticket]').waitFor({ timeout: 5000 });
  const id = await lead.getAttribute('[data-testid=ticket-panel]', 'data-ticket-id');
  const [row] = await s.sql<{ channel: string; category: string }[]>`SELECT channel, category FROM tickets WHERE id = ${id}`;
  assert.equal([row.channel, row.category], ['patrol', 'pets']);
});

/** Share of painted pixels on the grid canvas in a 40 px square at each corner of the map (and its centre). */
async function mapCorners(p: Page): Promise<number[]> {
  return p.evaluate(() => {
    const map = document.querySelector('[data-testid=map]')!.getBoundingClientRect();
    const cv = document.querySelector<HTMLCanvasElement>('.leaflet-gridops-grids-pane canvas')!;
    const cr = cv.getBoundingClientRect();
    const g = cv.getContext('2d')!;
    const k = cv.width / cr.width;
    return [[0, 0], [1, 0], [0, 1], [1, 1], [0.5, 0.5]].map(([fx, fy]) => {
      const x = map.left + 4 + fx * (map.width - 48), y = map.top + 4 + fy * (map.height - 48);
      const px = g.getImageData(Math.round((x - cr.left) * k), Math.round((y - cr.top) * k), Math.round(40 * k), Math.round(40 * k)).data;
      let n = 0;
      for (let i = 3; i < px.length; i += 4) if (px[i] > 0) n++;
      return n / (px.length / 4);
    });
  });
}

M('desktop: after selecting a ticket at the office\'s corner, panning and zooming, the map is drawn to every corner', async ({ s, browser, duty, g }) => {
  const ctx = await signedInContext(browser, s, 'duty', { viewport: { width: 1600, height: 900 }, locale: 'zh-CN' });
  const con = await ctx.newPage();
  await con.goto(`${s.url}/dispatch`);
  await con.waitForSelector('[data-testid=dispatch][data-ready=true]');
  // 1号网格 of 金鼎社区 lies in the office's north-west corner: zooming to it used to leave the top and left blank.
  const res = await s.api('POST', '/api/tickets', { cookie: duty, body: newTicket(g, { category: 'posters', description: '外墙乱涂乱画', ...offset(g, 80, -80) }) });
  assert.is(res.status, 201, JSON.stringify(res.body));
  const t = res.body;
  await con.locator(`[data-testid=queue] [data-ticket-id="${t.id}"]`).click();
  await con.locator(`[data-testid=ticket-panel][data-ticket-id="${t.id}"]`).waitFor();
  await con.waitForTimeout(800);
  const frame = () => con.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
  const check = async (what: string) => {
    await frame();
    const c = await mapCorners(con);
    assert.ok(c.every((x) => x > 0.9), `${what}: drawn in every corner (${c.map((x) => x.toFixed(2))})`);
  };
  await check('selected');
  const box = (await con.locator('[data-testid=map]').boundingBox())!;
  const cx = box.x + box.width / 2, cy = box.y + box.height / 2;
  for (const [dx, dy] of [[160, 120], [-300, -200]]) {
    await con.mouse.move(cx, cy);
    await con.mouse.down();
    await con.mouse.move(cx + dx, cy + dy, { steps: 8 });
    await con.mouse.up();
    await con.waitForTimeout(400);
    await check(`panned by ${dx}, ${dy}`);
  }
  // In, out and in again, staying closer than the whole office (zoomed out to all of it, a wide office leaves bands
  // above and below on a tall map: there is nothing to draw there).
  for (const wheel of [-200, 150, -300]) {
    await con.mouse.move(cx, cy);
    await con.mouse.wheel(0, wheel);
    await con.waitForTimeout(700);
    await check(`zoomed (wheel ${wheel})`);
  }
  await con.screenshot({ path: path.join(ARTIFACTS, 'console-map-corners.png') });
  await ctx.close();
});

M.run();
