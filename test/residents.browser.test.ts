// The residents' side in real Chromium at phone size: a poster's QR code (decoded from the poster's own pixels) opens
// the report form with its grid pre-set; a report with a photo → the tracking page → a responder in another browser
// context accepts, arrives and resolves on /m → the tracking page updates live → a low rating reopens it for the grid
// leader. Also: the elder-friendly switches, and a place outside every grid. Screenshots go to test/screenshots/.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { PNG } from 'pngjs';
import jsQR from 'jsqr';
import type { Browser, Page } from 'playwright-core';
import { startTestServer, type TestServer } from './helpers/server.ts';
import { ensureClientBuilt, launchBrowser } from './helpers/browser.ts';
import { phoneOptions, signedInContext, until } from './helpers/dispatch.ts';
import { gridByCode, responderIn, type GridRef } from './helpers/fixtures.ts';

const SHOTS = path.join(path.dirname(fileURLToPath(import.meta.url)), 'screenshots');
const B = suite<{ s: TestServer; browser: Browser; g: GridRef }>('residents in the browser');

B.before(async (ctx) => {
  await ensureClientBuilt();
  ctx.s = await startTestServer();
  ctx.browser = await launchBrowser();
  ctx.g = await gridByCode(ctx.s.sql, '01-2');
});
B.after(async ({ s, browser }) => { await browser?.close(); await s?.close(); });

/** A photo as a phone camera makes it: a JPEG of a few hundred kB made in the page itself. */
async function cameraPhoto(page: Page): Promise<Buffer> {
  const b64 = await page.evaluate(async () => {
    const c = document.createElement('canvas');
    c.width = 1200; c.height = 900;
    const g = c.getContext('2d')!;
    g.fillStyle = '#8b5a2b'; g.fillRect(0, 0, 1200, 900);
    for (let i = 0; i < 40; i++) { g.fillStyle = `hsl(${i * 9}, 40%, ${30 + (i % 5) * 8}%)`; g.fillRect((i * 97) % 1100, (i * 53) % 800, 160, 120); }
    const blob = await new Promise<Blob>((r) => c.toBlob((b) => r(b!), 'image/jpeg', 0.9));
    const bytes = new Uint8Array(await blob.arrayBuffer());
    let bin = '';
    for (const x of bytes) bin += String.fromCharCode(x);
    return btoa(bin);
  });
  return Buffer.from(b64, 'base64');
}

B('a grid\'s poster: A4, its name and the promise; its QR code opens the report form with that grid pre-set', async ({ s, browser, g }) => {
  const admin = await signedInContext(browser, s, 'admin', { viewport: { width: 1280, height: 900 } });
  const page = await admin.newPage();
  await page.goto(`${s.url}/admin`);
  const link = page.locator(`[data-testid=poster-grid][data-grid="${g.id}"]`);
  await link.waitFor();
  const [poster] = await Promise.all([admin.waitForEvent('page'), link.click()]);
  await poster.setViewportSize({ width: 794, height: 1123 + 72 });
  await poster.locator('[data-testid=poster-qr]').waitFor();
  await poster.evaluate(() => document.fonts.ready);
  const sheet = poster.locator('[data-testid=poster]');
  assert.match(await sheet.innerText(), new RegExp(`${g.communityName}\\s*2号网格`));
  assert.match(await sheet.innerText(), /10\s*分钟内响应/);
  const box = (await sheet.boundingBox())!;
  assert.ok(Math.abs(box.width / box.height - 210 / 297) < 0.01, `A4 proportions (${box.width}×${box.height})`);
  const shot = await sheet.screenshot({ path: path.join(SHOTS, 'poster-grid.png') });
  // Read the QR code off the poster's pixels, as a phone camera would.
  const png = PNG.sync.read(shot);
  const qr = jsQR(new Uint8ClampedArray(png.data), png.width, png.height);
  assert.ok(qr, 'the poster\'s QR code decodes');
  assert.is(qr!.data, `${s.url}/report?grid=${g.id}`);
  await admin.close();

  const phone = await browser.newContext({ ...phoneOptions({ lat: 38.2, lng: 116.7 }), permissions: [] });
  const form = await phone.newPage();
  await form.goto(qr!.data);
  await form.waitForSelector('[data-testid=report-page][data-ready=true]');
  const placed = form.locator('[data-testid=place-grid]');
  await placed.waitFor();
  assert.match(await placed.innerText(), new RegExp(`${g.communityName} · 2号网格`));
  assert.match(await placed.innerText(), /已按海报定位到 2号网格/);
  await phone.close();
});

B('report with a photo → tracking page → resolved by a responder on /m → live on the tracking page → a low rating reopens it', async ({ s, browser, g }) => {
  // The responder in another browser context, on duty in this grid: auto-dispatch will offer them the report.
  const { username } = await responderIn(s.sql, g.id);
  const rctx = await signedInContext(browser, s, username, phoneOptions({ lat: g.lat + 0.0003, lng: g.lng }));
  const m = await rctx.newPage();
  await m.goto(`${s.url}/m`);
  await m.click('[data-testid=duty-on]');
  await m.click('[data-testid=consent-agree]');
  await m.waitForSelector('[data-testid=phone][data-duty=available]');

  const ctx = await browser.newContext(phoneOptions({ lat: g.lat, lng: g.lng }));
  const page = await ctx.newPage();
  await page.goto(`${s.url}/report`);
  await page.waitForSelector('[data-testid=report-page][data-ready=true]');
  await page.locator('[data-testid=place-grid]').waitFor();
  await page.click('button[data-category=clutter]');
  const jpeg = await cameraPhoto(page);
  await page.setInputFiles('[data-testid=photo-input]', { name: 'IMG_0001.jpg', mimeType: 'image/jpeg', buffer: jpeg });
  await page.locator('.thumb img').waitFor();
  await page.fill('textarea[name=description]', '3号楼楼道堆满纸箱，老人下楼不方便');
  await page.evaluate(() => document.fonts.ready);
  await page.screenshot({ path: path.join(SHOTS, 'resident-report.png'), fullPage: true });
  // A double tap sends one report.
  await page.locator('[data-testid=submit]').dblclick();
  const code = await page.locator('[data-testid=tracking-code]').innerText();
  assert.match(code, /^[A-Za-z0-9_-]{22}$/);
  await page.locator('[data-testid=uploading]').waitFor({ state: 'detached', timeout: 15_000 });
  assert.is(await page.locator('[data-testid=photo-problem]').count(), 0, 'the photo went up');
  const [t] = await s.sql<{ id: string; n: number }[]>`SELECT t.id, (SELECT count(*)::int FROM tickets x WHERE x.description = t.description) AS n FROM tickets t WHERE description = '3号楼楼道堆满纸箱，老人下楼不方便'`;
  assert.is(t.n, 1, 'one ticket for a double tap');
  const [ph] = await s.sql<{ n: number }[]>`SELECT count(*)::int AS n FROM ticket_photos WHERE ticket_id = ${t.id} AND by_resident`;
  assert.is(ph.n, 1);

  await page.click('[data-testid=open-tracking]');
  await page.waitForURL(`**/t/${code}`);
  await page.waitForSelector('[data-testid=track-page][data-live=true]');

  // The responder accepts the offer, arrives and resolves, in their own browser.
  const card = m.locator(`[data-testid=offer-card][data-ticket-id="${t.id}"]`);
  await card.waitFor({ timeout: 10_000 });
  await card.locator('[data-testid=accept]').click();
  await page.waitForSelector('[data-testid=track-page][data-status=accepted]', { timeout: 5000 });
  const [r] = await s.sql<{ name: string }[]>`SELECT r.name FROM responders r JOIN users u ON u.responder_id = r.id WHERE u.username = ${username}`;
  assert.match(await page.locator('[data-testid=handler]').innerText(), new RegExp(`^${[...r.name][0]}（`));
  assert.not.ok((await page.locator('main').innerText()).includes(r.name), 'only the family name');
  const task = m.locator(`[data-testid=task-card][data-ticket-id="${t.id}"]`);
  await task.locator('[data-testid=arrived]').click();
  await page.waitForSelector('[data-testid=track-page][data-status=responded]', { timeout: 5000 });
  await m.fill(`[data-testid=task-card][data-ticket-id="${t.id}"] textarea[name=note]`, '纸箱已清走');
  await m.click(`[data-testid=task-card][data-ticket-id="${t.id}"] [data-testid=resolve]`);
  await page.waitForSelector('[data-testid=track-page][data-status=resolved]', { timeout: 5000 });
  await page.locator('[data-testid=rating]').waitFor();
  const steps = await page.locator('[data-testid=timeline] li').evaluateAll((els) => els.map((e) => e.getAttribute('data-step')));
  assert.equal(steps, ['resolved', 'on_site', 'accepted', 'dispatched', 'received']);
  assert.match(await page.locator('main').innerText(), /已办结/);
  await page.click('button[data-star="4"]');
  await page.evaluate(() => document.fonts.ready);
  await page.screenshot({ path: path.join(SHOTS, 'resident-tracking.png'), fullPage: true });

  // Two stars and a word: reopened for the grid leader, with the comment as the reason.
  await page.click('button[data-star="2"]');
  await page.fill('textarea[name=comment]', '纸箱又堆回来了');
  await page.click('[data-testid=rate-submit]');
  await page.locator('[data-testid=reopened]').waitFor();
  await page.waitForSelector('[data-testid=track-page][data-status=reopened]');
  const leader = await s.login('leader01');
  const detail = await s.api('GET', `/api/tickets/${t.id}`, { cookie: leader });
  assert.is(detail.body.status, 'reopened');
  assert.match(detail.body.events.find((e: { action: string }) => e.action === 'reopen').reason, /纸箱又堆回来了/);
  await page.screenshot({ path: path.join(SHOTS, 'resident-reopened.png') });
  await ctx.close();
  await rctx.close();
});

B('elder-friendly: large text and high contrast switch the whole page and are remembered; targets are big', async ({ s, browser, g }) => {
  const ctx = await browser.newContext(phoneOptions({ lat: g.lat, lng: g.lng }));
  const page = await ctx.newPage();
  await page.goto(`${s.url}/report?grid=${g.id}`);
  await page.waitForSelector('[data-testid=report-page][data-ready=true]');
  const size = () => page.evaluate(() => parseFloat(getComputedStyle(document.documentElement).fontSize));
  const before = await size();
  await page.click('[data-testid=large-text]');
  assert.ok((await size()) >= before * 1.2, 'large text is at least a fifth larger');
  await page.click('[data-testid=contrast]');
  assert.is(await page.evaluate(() => getComputedStyle(document.body).backgroundColor), 'rgb(0, 0, 0)');
  await page.reload();
  await page.waitForSelector('[data-testid=report-page][data-ready=true]');
  assert.ok(await page.evaluate(() => document.documentElement.classList.contains('resident-large') && document.documentElement.classList.contains('resident-contrast')), 'remembered');
  const small = await page.locator('button.tile, button.choice, [data-testid=submit], [data-testid=use-gps]').evaluateAll((els) => els.filter((e) => e.getBoundingClientRect().height < 44).length);
  assert.is(small, 0, 'every button is at least 44 px high');
  await page.screenshot({ path: path.join(SHOTS, 'resident-report-large-contrast.png') });
  await ctx.close();
});

B('a place outside every grid says so in plain words and offers the nearest community\'s phone', async ({ s, browser }) => {
  const ctx = await browser.newContext(phoneOptions({ lat: 38.26, lng: 116.79 }));
  const page = await ctx.newPage();
  await page.goto(`${s.url}/report`);
  const outside = page.locator('[data-testid=place-outside]');
  await outside.waitFor();
  assert.match(await outside.innerText(), /不在我们的网格内/);
  const tel = await outside.locator('a[href^="tel:"]').getAttribute('href');
  assert.match(tel!, /^tel:0317-206\d{4}$/);
  assert.ok(await page.locator('[data-testid=submit]').isDisabled());
  await ctx.close();
});

B('a tracking code that does not exist says so', async ({ s, browser }) => {
  const page = await browser.newPage();
  await page.goto(`${s.url}/t/${'Q'.repeat(22)}`);
  await page.locator('[data-testid=not-found]').waitFor();
  await page.close();
  await until(() => true);
});

B.run();
