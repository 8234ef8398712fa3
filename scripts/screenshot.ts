// Takes README screenshots of a running instance: tsx scripts/screenshot.ts <base-url> <wall-token> <out-dir>.
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { launchBrowser } from '../test/helpers/browser.ts';

const [base = 'http://localhost:3000', token = '', out = 'test/screenshots'] = process.argv.slice(2);
await mkdir(out, { recursive: true });
const browser = await launchBrowser();
try {
  const wall = await browser.newPage({ viewport: { width: 1920, height: 1080 } });
  await wall.goto(`${base}/wall?token=${token}`);
  await wall.waitForTimeout(6000);
  await wall.screenshot({ path: path.join(out, 'wall-1080p.png') });
  const ctx = await browser.newContext({ viewport: { width: 1440, height: 900 } });
  const page = await ctx.newPage();
  await page.goto(`${base}/login`);
  await page.fill('input[autocomplete="username"], input[name="username"], input[type="text"]', 'duty');
  await page.fill('input[type="password"]', 'demo1234');
  await page.keyboard.press('Enter');
  await page.waitForURL(/dispatch/);
  await page.waitForTimeout(4000);
  await page.screenshot({ path: path.join(out, 'dispatch.png') });

  // The managers' reports: the page (last 7 days, so the demo's history is in it), a why-late drill-down, the 日报.
  const mgr = await (await browser.newContext({ viewport: { width: 1600, height: 1000 } })).newPage();
  await mgr.goto(`${base}/login`);
  await mgr.fill('input[name="username"]', 'manager');
  await mgr.fill('input[type="password"]', 'demo1234');
  await mgr.keyboard.press('Enter');
  await mgr.waitForURL(/reports/);
  const day = (d: number) => new Intl.DateTimeFormat('sv-SE', { timeZone: 'Asia/Shanghai' }).format(Date.now() - d * 86_400_000);
  await mgr.goto(`${base}/reports?period=custom&from=${day(6)}&to=${day(0)}`);
  await mgr.waitForSelector('[data-ready="true"]', { timeout: 30_000 });
  await mgr.waitForTimeout(500);
  await mgr.screenshot({ path: path.join(out, 'reports.png'), fullPage: true });
  const cause = mgr.locator('[data-testid^="cause-"]:not([disabled])').first();
  await cause.click();
  await mgr.locator('[data-testid=drill] tbody tr[data-ticket-id]').first().click();
  await mgr.waitForSelector('[data-testid=drill-detail] [data-testid=timeline]');
  await mgr.evaluate(() => window.scrollTo(0, 0));
  await mgr.screenshot({ path: path.join(out, 'reports-drill.png') });
  await mgr.goto(`${base}/reports/daily?date=${day(1)}`);
  await mgr.waitForSelector('[data-ready="true"]');
  await mgr.setViewportSize({ width: 900, height: 1200 });
  await mgr.screenshot({ path: path.join(out, 'reports-daily.png'), fullPage: true });
} finally {
  await browser.close();
}
