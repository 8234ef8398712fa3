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
} finally {
  await browser.close();
}
