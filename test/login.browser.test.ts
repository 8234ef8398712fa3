// The sign-in page in headless Chromium: a client over the sign-in limit is told, in Chinese and English, how long to wait.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import type { Browser } from 'playwright-core';
import { startTestServer, type TestServer } from './helpers/server.ts';
import { ARTIFACTS, ensureClientBuilt, launchBrowser } from './helpers/browser.ts';

const B = suite<{ s: TestServer; browser: Browser }>('login page');

B.before(async (ctx) => {
  await ensureClientBuilt();
  await mkdir(ARTIFACTS, { recursive: true });
  ctx.s = await startTestServer({ config: { loginAttemptsPerAccount: 2, loginBlockMin: 10 } });
  ctx.browser = await launchBrowser();
});
B.after(async ({ s, browser }) => { await browser?.close(); await s?.close(); });

B('too many wrong passwords: the page says how many minutes to wait, in Chinese and in English', async ({ s, browser }) => {
  const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  await page.goto(`${s.url}/login`);
  const signIn = async (password: string) => {
    await page.fill('input[name=username]', 'leader06');
    await page.fill('input[name=password]', password);
    const answered = page.waitForResponse('**/api/auth/login');
    await page.click('button[type=submit]');
    return (await answered).status();
  };
  const error = page.locator('.error[role=alert]');
  assert.is(await signIn('wrong-1'), 401);
  assert.is(await signIn('wrong-2'), 401);
  assert.match(await error.innerText(), '用户名或密码错误');
  assert.is(await signIn('demo1234'), 429);
  assert.is(await error.innerText(), '登录尝试过多，请 10 分钟后再试');
  await page.screenshot({ path: path.join(ARTIFACTS, 'login-rate-limited.png') });
  await page.click('button.lang');
  assert.is(await signIn('demo1234'), 429);
  assert.is(await error.innerText(), 'Too many sign-in attempts: try again in 10 min');
  await page.close();
});

B.run();
