// Every page runs under the production Content-Security-Policy without a single violation (no inline script, no
// foreign style sheet), and a responder's name with markup in it shows as text on the dispatch map.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { startTestServer, type TestServer } from './helpers/server.ts';
import { gridByCode, newTicket, noAutoDispatch, responderIn } from './helpers/fixtures.ts';
import { ensureClientBuilt, launchBrowser } from './helpers/browser.ts';
import { offset, onDutyAt, phoneOptions, signedInContext } from './helpers/dispatch.ts';

const C = suite<{ s: TestServer; browser: Browser; contexts: BrowserContext[] }>('pages under the CSP');

C.before(async (ctx) => {
  await ensureClientBuilt();
  ctx.s = await startTestServer();
  await noAutoDispatch(ctx.s.sql);
  ctx.browser = await launchBrowser();
  ctx.contexts = [];
});
C.after(async ({ s, browser }) => { await browser?.close(); await s?.close(); });

/** Records CSP violations from the first byte of the page (an init script runs before the page's own). */
async function watched(ctx: BrowserContext): Promise<Page> {
  await ctx.addInitScript(() => {
    const w = window as unknown as { cspViolations: string[] };
    w.cspViolations = [];
    document.addEventListener('securitypolicyviolation', (e) => w.cspViolations.push(`${e.violatedDirective} ${e.blockedURI}`));
  });
  return ctx.newPage();
}
const violations = (p: Page) => p.evaluate(() => (window as unknown as { cspViolations: string[] }).cspViolations);

C('login, wall, dispatch console, phone page, reports and 日报 run with no CSP violation', async ({ s, browser, contexts }) => {
  const anon = await browser.newContext();
  contexts.push(anon);
  const login = await watched(anon);
  await login.goto(`${s.url}/login`);
  await login.waitForSelector('input[name=username]');
  const wall = await watched(anon);
  await wall.goto(`${s.url}/wall?token=${encodeURIComponent(s.displayToken)}`);
  await wall.waitForSelector('[data-testid=conn-status][data-status=live]');
  await wall.waitForSelector('.gridops-label.community');

  const g = await gridByCode(s.sql, '01-1');
  // A name is data, not markup: if the tooltip were built from an HTML string this would add an element.
  const r = await responderIn(s.sql, g.id);
  await s.sql`UPDATE responders SET name = '<img src=x id=injected>王五' WHERE id = ${r.responderId}`;
  await onDutyAt(s, r.username, offset(g, 60));
  const duty = await s.login('duty');
  const t = (await s.api('POST', '/api/tickets', { cookie: duty, body: newTicket(g) })).body;
  const desk = await signedInContext(browser, s, 'duty', { viewport: { width: 1600, height: 900 } });
  contexts.push(desk);
  const console = await watched(desk);
  await console.goto(`${s.url}/dispatch`);
  await console.waitForSelector('[data-testid=dispatch][data-ready=true]');
  await console.click(`[data-testid=queue] [data-ticket-id="${t.id}"]`);
  await console.waitForSelector('.gridops-cand');
  assert.is(await console.locator('#injected').count(), 0, 'the name was not parsed as HTML');
  assert.match(await console.locator('.gridops-cand').first().innerText(), /<img src=x id=injected>王五/);

  const phoneCtx = await signedInContext(browser, s, (await responderIn(s.sql, g.id, 1)).username, phoneOptions(offset(g, 100)));
  contexts.push(phoneCtx);
  const phone = await watched(phoneCtx);
  await phone.goto(`${s.url}/m`);
  await phone.waitForSelector('[data-testid=phone][data-ready=true]');

  const mgr = await signedInContext(browser, s, 'manager', { viewport: { width: 1600, height: 1000 } });
  contexts.push(mgr);
  const reports = await watched(mgr);
  await reports.goto(`${s.url}/reports?period=this_week`);
  await reports.waitForSelector('[data-testid=reports][data-ready=true]', { timeout: 15_000 });
  const daily = await watched(mgr);
  await daily.goto(`${s.url}/reports/daily`);
  await daily.waitForSelector('[data-testid=daily][data-ready=true]');

  for (const [name, page] of [['login', login], ['wall', wall], ['dispatch', console], ['phone', phone], ['reports', reports], ['daily report', daily]] as const) {
    assert.equal(await violations(page), [], `${name}: no CSP violations`);
  }
});

C.run();
