// The administrator's page in real Chromium: make a wall-screen link, open the wall with it, revoke it and watch
// the wall say so at once.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import type { Browser } from 'playwright-core';
import { startTestServer, type TestServer } from './helpers/server.ts';
import { ARTIFACTS, ensureClientBuilt, launchBrowser } from './helpers/browser.ts';
import { signedInContext } from './helpers/dispatch.ts';

const A = suite<{ s: TestServer; browser: Browser }>('admin page');

A.before(async (ctx) => {
  await ensureClientBuilt();
  await mkdir(ARTIFACTS, { recursive: true });
  ctx.s = await startTestServer();
  ctx.browser = await launchBrowser();
});
A.after(async ({ s, browser }) => { await browser?.close(); await s?.close(); });

A('an administrator makes a community wall link, the wall opens with it, and revoking it ends the wall at once', async ({ s, browser }) => {
  const ctx = await signedInContext(browser, s, 'admin', { viewport: { width: 1280, height: 800 } });
  const page = await ctx.newPage();
  page.on('dialog', (d) => void d.accept());
  await page.goto(`${s.url}/admin`);
  await page.waitForSelector('[data-testid=admin][data-ready=true]');
  await page.fill('input[name=label]', '金鼎社区 大屏');
  await page.selectOption('select[name=community]', { index: 1 });
  await page.click('button.primary');
  const url = await page.locator('[data-testid=new-link-url]').innerText();
  assert.match(url, new RegExp(`^${s.url}/wall\\?token=`));
  await page.screenshot({ path: path.join(ARTIFACTS, 'admin-display-links.png') });

  const wall = await browser.newPage({ viewport: { width: 1280, height: 720 } });
  await wall.goto(url);
  await wall.waitForSelector('[data-testid=conn-status][data-status=live]');
  const row = page.locator('[data-testid=link-row]').first();
  await row.locator('[data-testid=revoke]').click();
  await wall.waitForSelector('[data-testid=conn-status][data-status=offline]', { timeout: 5000 });
  assert.match(await wall.locator('header').innerText(), /显示令牌无效或已停用/);
  await page.locator('[data-testid=link-row].revoked').first().waitFor();
  await ctx.close();
});

A('other roles are told the page is for administrators; signed out goes to sign-in', async ({ s, browser }) => {
  const ctx = await signedInContext(browser, s, 'duty');
  const page = await ctx.newPage();
  await page.goto(`${s.url}/admin`);
  await page.waitForSelector('text=只有管理员可以打开此页面');
  const anon = await browser.newPage();
  await anon.goto(`${s.url}/admin`);
  await anon.waitForURL('**/login');
  await ctx.close();
});

A.run();
