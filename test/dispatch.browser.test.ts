// The console and the phone in real Chromium against a real server: a ticket's whole round, cascades, scope, races.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import type { Change } from '../shared/events.ts';
import { startTestServer, waitFor, type LiveClient, type TestServer } from './helpers/server.ts';
import { gridByCode, newTicket, responderIn, type GridRef } from './helpers/fixtures.ts';
import { ARTIFACTS, ensureClientBuilt, launchBrowser } from './helpers/browser.ts';
import { collect, offset, onDutyAt, phoneOptions, signedInContext, until } from './helpers/dispatch.ts';

interface Ctx {
  s: TestServer; browser: Browser; g: GridRef; duty: string;
  leaderCtx: BrowserContext; console: Page; phoneCtx: BrowserContext; phone: Page;
  wall: LiveClient; wallChanges: Change[];
}
const B = suite<Ctx>('dispatch in the browser');

B.before(async (ctx) => {
  await ensureClientBuilt();
  await mkdir(ARTIFACTS, { recursive: true });
  // Offers time out after 10 s here, so the timeout cascade can be watched for real.
  ctx.s = await startTestServer({ config: { offerTimeoutS: 10 } });
  await ctx.s.sql`UPDATE grids SET auto_dispatch = false`;
  ctx.g = await gridByCode(ctx.s.sql, '01-1');
  ctx.duty = await ctx.s.login('duty');
  ctx.browser = await launchBrowser();
  ctx.wall = ctx.s.socket({ displayToken: ctx.s.displayToken });
  ctx.wallChanges = collect(ctx.wall);
  await waitFor(ctx.wall, 'live:snapshot');
});
B.after(async ({ s, browser }) => {
  await browser?.close();
  await s?.close();
});

/** The last status the wall screen's live stream carried for a ticket. */
function wallStatus(ctx: Ctx, id: string): string | null {
  let last: string | null = null;
  for (const c of ctx.wallChanges) if (c.kind === 'ticket' && c.ticket.id === id) last = c.ticket.status;
  return last;
}
async function wallSees(ctx: Ctx, id: string, status: string) {
  await until(() => wallStatus(ctx, id) === status, 5000, `wall sees #${id} ${status}`);
  const rest = await ctx.s.api('GET', `/api/tickets/${id}`, { cookie: ctx.duty });
  assert.is(rest.body.status, status, 'the database (read over REST) agrees with the wall');
  return rest.body;
}
const beeps = (p: Page) => p.evaluate(() => Number(document.documentElement.dataset.beeps ?? 0));

B('the responder signs in once on the phone, consents to location sharing and goes on duty', async (ctx) => {
  ctx.phoneCtx = await ctx.browser.newContext(phoneOptions(offset(ctx.g, 120, 60)));
  const phone = ctx.phone = await ctx.phoneCtx.newPage();
  await phone.goto(`${ctx.s.url}/m`);
  await phone.waitForURL('**/login');
  await phone.fill('input[name=username]', 'r001');
  await phone.fill('input[name=password]', 'demo1234');
  await phone.click('button[type=submit]');
  await phone.waitForSelector('[data-testid=phone][data-ready=true]');
  assert.is(await phone.getAttribute('[data-testid=phone]', 'data-duty'), 'off_duty');
  await phone.click('[data-testid=duty-on]');
  await phone.waitForSelector('[data-testid=consent]');
  await phone.screenshot({ path: path.join(ARTIFACTS, 'phone-consent.png') });
  await phone.click('[data-testid=consent-agree]');
  await phone.waitForSelector('[data-testid=phone][data-duty=available]');
  const [r] = await ctx.s.sql<{ id: string }[]>`SELECT responder_id AS id FROM users WHERE username = 'r001'`;
  await until(async () => (await ctx.s.sql`SELECT 1 FROM latest_positions WHERE responder_id = ${r.id}`).length > 0, 8000, 'the phone\'s position on the server');
  await phone.locator('[data-testid=location-state]', { hasText: '已上报' }).waitFor();
  assert.ok(await phone.evaluate(() => !!localStorage.getItem(Object.keys(localStorage).find((k) => k.startsWith('gridops.locationConsent'))!)), 'consent is remembered');
});

B('a full round: hotline intake → offer → accept → arrive → resolve with photo → verify & close, the wall following', async (ctx) => {
  ctx.leaderCtx = await signedInContext(ctx.browser, ctx.s, 'leader01', { viewport: { width: 1440, height: 900 }, locale: 'zh-CN' });
  const con = ctx.console = await ctx.leaderCtx.newPage();
  await con.goto(`${ctx.s.url}/dispatch`);
  await con.waitForSelector('[data-testid=dispatch][data-ready=true]');
  await con.waitForSelector('[data-testid=conn-status][data-status=live]');
  await con.click('.head .app'); // a first touch lets the page make sound
  const before = await beeps(con);

  // Intake: a hotline call about clutter at 鼎领域小区.
  await con.click('[data-testid=new-report]');
  await con.click('[data-channel=hotline]');
  await con.selectOption('select[name=category]', 'clutter');
  await con.fill('textarea[name=description]', '3号楼楼道堆放大量纸箱，影响通行');
  await con.fill('input[name=place]', '鼎领域');
  await con.click('[data-testid=places] button');
  await con.locator('[data-testid=intake-location]', { hasText: '鼎领域小区' }).waitFor();
  await con.fill('input[name=address]', '3号楼2单元');
  await con.fill('input[name=reporterName]', '赵大爷');
  await con.fill('input[name=reporterPhone]', '13912345678');
  await con.locator('[data-testid=duplicates]', { hasText: '附近没有同类在办工单' }).waitFor();
  await con.click('[data-testid=intake-save]');
  const panel = con.locator('[data-testid=ticket-panel]');
  await panel.waitFor();
  const id = (await panel.getAttribute('data-ticket-id'))!;
  await wallSees(ctx, id, 'reported');
  await until(async () => (await beeps(con)) > before, 3000, 'the new-ticket sound');
  await con.locator(`[data-testid=queue] [data-ticket-id="${id}"]`).waitFor();

  // The responder on duty nearby ranks first; one click offers.
  const [r1] = await ctx.s.sql<{ id: string }[]>`SELECT responder_id AS id FROM users WHERE username = 'r001'`;
  const first = con.locator('[data-testid=candidates] li').first();
  await first.waitFor();
  assert.is(await first.getAttribute('data-responder-id'), r1.id);
  assert.match(await first.innerText(), /约 \d+ 分钟/);
  await con.screenshot({ path: path.join(ARTIFACTS, 'console-selected.png') });
  await first.locator('[data-testid=offer-btn]').click();
  await con.locator('[data-testid=offer-now]').waitFor();
  await wallSees(ctx, id, 'dispatched');

  // The phone rings: what, where, how far, countdown.
  const phone = ctx.phone;
  const card = phone.locator(`[data-testid=offer-card][data-ticket-id="${id}"]`);
  await card.waitFor({ timeout: 5000 });
  assert.match(await card.innerText(), /乱堆乱放/);
  assert.match(await phone.locator('[data-testid=offer-distance]').innerText(), /距您约 \d+ 米/);
  assert.match(await phone.locator('[data-testid=offer-countdown]').innerText(), /还剩 0:\d\d/);
  assert.ok(await beeps(phone) >= 1, 'the offer rang');
  await phone.screenshot({ path: path.join(ARTIFACTS, 'phone-offer.png') });
  await card.locator('[data-testid=accept]').click();
  const task = phone.locator(`[data-testid=task-card][data-ticket-id="${id}"]`);
  await task.waitFor();
  await wallSees(ctx, id, 'accepted');
  await con.locator('[data-testid=panel-status]', { hasText: '已接单' }).waitFor();
  // Only the responder on the ticket may see the resident's full number, and only by asking for it (recorded).
  assert.match(await task.locator('[data-testid=reporter-phone-masked]').innerText(), /^139\*{4}5678$/);
  await task.locator('[data-testid=reveal-phone]').click();
  assert.match(await phone.locator('[data-testid=reporter-phone]').innerText(), /^\s*13912345678$/);
  assert.match(await phone.getAttribute('[data-testid=nav-geo]', 'href') ?? '', /^geo:38\.\d+,116\.\d+/);
  await phone.screenshot({ path: path.join(ARTIFACTS, 'phone-task.png') });

  await task.locator('[data-testid=arrived]').click();
  await wallSees(ctx, id, 'responded');
  await phone.locator(`[data-testid=task-card][data-ticket-id="${id}"][data-status=responded]`).waitFor();
  // The camera is a file input; a picture of the console stands in for the photo of the cleared stairwell.
  const picture = await con.screenshot({ type: 'jpeg', quality: 60 });
  await phone.setInputFiles('[data-testid=photo-input]', { name: 'photo.jpg', mimeType: 'image/jpeg', buffer: picture });
  await phone.locator('[data-testid=photo-preview]').waitFor();
  await phone.fill('textarea[name=note]', '已联系物业清理完毕');
  await phone.screenshot({ path: path.join(ARTIFACTS, 'phone-resolve.png') });
  await phone.click('[data-testid=resolve]');
  const resolved = await wallSees(ctx, id, 'resolved');
  assert.is(resolved.photoCount, 1);
  await task.waitFor({ state: 'detached' });

  // The leader verifies and closes, then records the resident's rating; the wall drops the ticket.
  await con.locator('[data-testid=panel-status]', { hasText: '已办结' }).waitFor();
  await con.click('[data-testid=actions] [data-action=close]');
  await con.fill('[data-form=close] textarea', '电话回访居民，已清理');
  await con.click('[data-form=close] button[type=submit]');
  await wallSees(ctx, id, 'closed');
  await con.click('[data-testid=actions] [data-action=rate]');
  await con.click('[data-form=rate] .stars button:nth-child(5)');
  await con.click('[data-form=rate] button[type=submit]');
  await until(async () => (await ctx.s.api('GET', `/api/tickets/${id}`, { cookie: ctx.duty })).body.rating === 5, 3000, 'rating');
  const timeline = con.locator('[data-testid=timeline] li');
  await until(async () => (await timeline.count()) >= 8, 3000, 'the full timeline');
  const actions = await timeline.evaluateAll((lis) => lis.map((li) => li.getAttribute('data-action')));
  assert.equal(actions, ['report', 'dispatch', 'accept', 'respond', 'photo', 'resolve', 'close', 'rate']);
  await con.locator('[data-testid=panel-status]', { hasText: '已销号' }).waitFor();
});

B('decline and timeout pass the ticket on; the console shows each step live', async (ctx) => {
  const con = ctx.console;
  const r2 = await onDutyAt(ctx.s, (await responderIn(ctx.s.sql, ctx.g.id, 1)).username, offset(ctx.g, 300));
  await ctx.s.sql`UPDATE grids SET auto_dispatch = true WHERE id = ${ctx.g.id}`;
  const t = (await ctx.s.api('POST', '/api/tickets', { cookie: ctx.duty, body: newTicket(ctx.g, { category: 'parking', description: '消防通道被占' }) })).body;
  await con.click(`[data-testid=queue] [data-ticket-id="${t.id}"]`);
  // Auto-dispatch offers r001 (nearest); the phone declines.
  const card = ctx.phone.locator(`[data-testid=offer-card][data-ticket-id="${t.id}"]`);
  await card.waitFor({ timeout: 5000 });
  await card.locator('[data-testid=decline]').click();
  await con.locator('[data-testid=offer-history] li.declined').waitFor({ timeout: 5000 });
  await con.locator('[data-testid=offer-now]', { hasText: (await ctx.s.sql<{ name: string }[]>`SELECT name FROM responders WHERE id = ${r2.responderId}`)[0].name }).waitFor();
  // r002 lets it ring out (10 s); the ticket passes on again, and with nobody left the leader is alerted.
  await con.locator('[data-testid=offer-history] li.expired').waitFor({ timeout: 15_000 });
  await con.locator('[data-testid=timeline] li[data-action=alert]').waitFor({ timeout: 5000 });
  await con.screenshot({ path: path.join(ARTIFACTS, 'console-cascade.png') });
  await ctx.s.sql`UPDATE grids SET auto_dispatch = false`;
  await ctx.s.api('POST', `/api/tickets/${t.id}/reject`, { cookie: ctx.duty, body: { reason: '测试结束' } });
  await ctx.s.api('POST', '/api/duty', { cookie: r2.cookie, body: { onDuty: false } });
});

B('scope: the leader\'s queue and candidates stop at their grids; a phone sees only its own offers', async (ctx) => {
  const con = ctx.console;
  const other = await gridByCode(ctx.s.sql, '07-3');
  const outsider = await onDutyAt(ctx.s, (await responderIn(ctx.s.sql, other.id)).username, offset(ctx.g, 30));
  const theirs = (await ctx.s.api('POST', '/api/tickets', { cookie: ctx.duty, body: newTicket(other) })).body;
  const mine = (await ctx.s.api('POST', '/api/tickets', { cookie: ctx.duty, body: newTicket(ctx.g, { category: 'posters', description: '墙面小广告' }) })).body;
  await con.locator(`[data-testid=queue] [data-ticket-id="${mine.id}"]`).click();
  await con.locator('[data-testid=candidates] li').first().waitFor();
  assert.is(await con.locator(`[data-testid=queue] [data-ticket-id="${theirs.id}"]`).count(), 0, 'another community\'s ticket is not in the queue');
  assert.is(await con.locator(`[data-testid=candidates] [data-responder-id="${outsider.responderId}"]`).count(), 0, 'another grid\'s responder, though standing next to it, is not offered');
  // Duty staff offer the outsider the other ticket: r001's phone hears nothing of it.
  assert.is((await ctx.s.api('POST', `/api/dispatch/tickets/${theirs.id}/offer`, { cookie: ctx.duty, body: { responderId: outsider.responderId, expectOfferId: null } })).status, 200);
  await new Promise((r) => setTimeout(r, 500));
  assert.is(await ctx.phone.locator('[data-testid=offer-card]').count(), 0);
  const seen = await ctx.phone.evaluate(() => [...(window as any).__phone.store.offers.values()].map((o: { responderId: string }) => o.responderId));
  const [me] = await ctx.s.sql<{ id: string }[]>`SELECT responder_id AS id FROM users WHERE username = 'r001'`;
  assert.ok(seen.every((x: string) => x === me.id), 'the phone holds no one else\'s offers');
  await ctx.s.api('POST', `/api/tickets/${theirs.id}/reject`, { cookie: ctx.duty, body: { reason: '测试结束' } });
  await ctx.s.api('POST', '/api/duty', { cookie: outsider.cookie, body: { onDuty: false } });
});

B('racing offers from two consoles: one wins, the other is told who got it and nothing is withdrawn', async (ctx) => {
  const con = ctx.console;
  const dutyCtx = await signedInContext(ctx.browser, ctx.s, 'duty', { viewport: { width: 1440, height: 900 } });
  const con2 = await dutyCtx.newPage();
  const r3 = await onDutyAt(ctx.s, (await responderIn(ctx.s.sql, ctx.g.id, 2)).username, offset(ctx.g, 90));
  const t = (await ctx.s.api('POST', '/api/tickets', { cookie: ctx.duty, body: newTicket(ctx.g, { category: 'pets', description: '大型犬未拴绳' }) })).body;
  await con2.goto(`${ctx.s.url}/dispatch`);
  for (const p of [con, con2]) {
    await p.locator(`[data-testid=queue] [data-ticket-id="${t.id}"]`).click();
    await p.locator('[data-testid=candidates] li').nth(1).waitFor();
  }
  const [me] = await ctx.s.sql<{ id: string }[]>`SELECT responder_id AS id FROM users WHERE username = 'r001'`;
  // Hold both requests until both leaders have clicked, so they truly race at the server (each saw no offer).
  const held: Array<() => void> = [];
  const barrier = async (route: import('playwright-core').Route) => {
    await new Promise<void>((go) => { held.push(go); if (held.length === 2) held.forEach((f) => f()); });
    await route.continue();
  };
  for (const p of [con, con2]) await p.route('**/api/dispatch/tickets/*/offer', barrier);
  await Promise.all([
    con.click(`[data-testid=candidates] [data-responder-id="${me.id}"] [data-testid=offer-btn]`),
    con2.click(`[data-testid=candidates] [data-responder-id="${r3.responderId}"] [data-testid=offer-btn]`),
  ]);
  const toasts = await Promise.all([con, con2].map((p) => p.locator('[data-testid=toast]').innerText()));
  await con.unroute('**/api/dispatch/tickets/*/offer');
  assert.is(toasts.filter((x) => /刚刚已被|just offered/.test(x)).length, 1, toasts.join(' | '));
  const [{ n }] = await ctx.s.sql<{ n: number }[]>`SELECT count(*)::int AS n FROM offers WHERE ticket_id = ${t.id}`;
  assert.is(n, 1, 'the losing click created and withdrew nothing');
  await dutyCtx.close();
});

B('intake shows possible duplicates nearby and links the call instead of creating new work', async (ctx) => {
  const con = ctx.console;
  const orig = (await ctx.s.api('POST', '/api/tickets', { cookie: ctx.duty, body: newTicket(ctx.g, { category: 'streetlight', description: '小区路灯不亮', ...offset(ctx.g, 20) }) })).body;
  // Looking at the original first brings its surroundings into view; then a click on the map places the new call.
  await con.click(`[data-testid=queue] [data-ticket-id="${orig.id}"]`);
  await con.locator(`[data-testid=ticket-panel][data-ticket-id="${orig.id}"]`).waitFor();
  await con.click('[data-testid=new-report]');
  await con.click('[data-channel=suggestion_box]');
  await con.selectOption('select[name=category]', 'streetlight');
  await con.fill('textarea[name=description]', '意见箱：3号楼前路灯坏了好几天');
  // The grid's own name marks a spot inside it (the view stays over the grids, so the ticket need not be centred).
  const label = (await con.locator(`.gridops-label[data-label-id="g${ctx.g.id}"]`).boundingBox())!;
  await con.mouse.click(label.x + label.width / 2, label.y + label.height / 2);
  await con.locator('[data-testid=intake-location]', { hasText: '1号网格' }).waitFor();
  const dup = con.locator(`[data-testid=duplicates] [data-ticket-id="${orig.id}"]`);
  await dup.waitFor();
  await con.screenshot({ path: path.join(ARTIFACTS, 'console-intake-duplicates.png') });
  const before = (await ctx.s.sql<{ n: number }[]>`SELECT count(*)::int AS n FROM offers`)[0].n;
  await dup.locator('[data-testid=link-instead]').click();
  await con.locator('[data-testid=toast]', { hasText: `已作为重复报告并入 #${orig.id}` }).waitFor();
  await con.locator(`[data-testid=ticket-panel][data-ticket-id="${orig.id}"]`).waitFor();
  await con.locator('[data-testid=ticket-panel] .linked', { hasText: '关联重复报告 1 条' }).waitFor();
  const [rec] = await ctx.s.sql<{ id: string; status: string; channel: string }[]>`SELECT id, status, channel FROM tickets WHERE duplicate_of = ${orig.id}`;
  assert.equal([rec.status, rec.channel], ['rejected', 'suggestion_box']);
  assert.is((await ctx.s.sql<{ n: number }[]>`SELECT count(*)::int AS n FROM offers`)[0].n, before, 'nobody was offered the duplicate');
  assert.is(await con.locator(`[data-testid=queue] [data-ticket-id="${rec.id}"]`).count(), 0);
});

B('escalation (吹哨) to a department with reason and time limit; the department clock shows in the queue; English', async (ctx) => {
  const con = ctx.console;
  const [t] = await ctx.s.sql<{ id: string }[]>`SELECT id FROM tickets WHERE category = 'streetlight' AND status = 'reported' ORDER BY id DESC LIMIT 1`;
  await con.click(`[data-testid=queue] [data-ticket-id="${t.id}"]`);
  await con.click('[data-testid=actions] [data-action=escalate]');
  await con.selectOption('[data-form=escalate] select[name=department]', 'power');
  await con.fill('[data-form=escalate] input[name=hours]', '48');
  await con.fill('[data-form=escalate] textarea', '线路老化，需供电公司更换');
  await con.click('[data-form=escalate] button[type=submit]');
  await con.locator('[data-testid=panel-status]', { hasText: '已吹哨' }).waitFor();
  await con.locator('[data-testid=department]', { hasText: '供电公司 · 部门时限 还剩 47:59' }).waitFor();
  await con.locator(`[data-testid=queue] [data-ticket-id="${t.id}"] .clock.dept`, { hasText: '部门时限 还剩 47:59' }).waitFor();
  await wallSees(ctx, t.id, 'escalated');
  await con.click('[data-testid=actions] [data-action=department_accept]');
  await con.click('[data-form=department_accept] button[type=submit]');
  await con.locator('[data-testid=timeline] li[data-action=department_accept]').waitFor();
  await con.click('[data-testid=lang-switch]');
  await con.locator('[data-testid=panel-status]', { hasText: 'Escalated' }).waitFor();
  await con.screenshot({ path: path.join(ARTIFACTS, 'console-escalated-en.png') });
  await con.click('[data-testid=lang-switch]');
});

B.run();
