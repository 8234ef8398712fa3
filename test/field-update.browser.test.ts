// A new deployment under a field page that stays open (a phone left on /m for a shift): the page says an update is
// ready, keeps working meanwhile, and one tap brings the new shell; no stale shell sticks. Real Chromium, real server.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser } from 'playwright-core';
import { startTestServer, type TestServer } from './helpers/server.ts';
import { ensureClientBuilt, launchBrowser } from './helpers/browser.ts';
import { signedInContext } from './helpers/dispatch.ts';

interface Ctx { s: TestServer; browser: Browser; dir: string }
const U = suite<Ctx>('field pages update');
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

U.before(async (ctx) => {
  await ensureClientBuilt();
  // A copy of the build this server serves, so the test can deploy a "new version" into it.
  ctx.dir = await mkdtemp(path.join(tmpdir(), 'gridops-dist-'));
  await cp(path.join(root, 'dist'), ctx.dir, { recursive: true });
  ctx.s = await startTestServer({ distDir: ctx.dir });
  ctx.browser = await launchBrowser();
});
U.after(async ({ s, browser, dir }) => {
  await browser?.close();
  await s?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

U('a deployment while /m is open: "新版本已就绪", and one tap switches to the new shell', async ({ s, browser, dir }) => {
  const ctx = await signedInContext(browser, s, 'r001', { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true, locale: 'zh-CN' });
  const page = await ctx.newPage();
  await page.goto(`${s.url}/m`);
  await page.waitForSelector('[data-testid=phone][data-ready=true]');
  await page.waitForFunction(() => navigator.serviceWorker.controller !== null, null, { timeout: 15_000 });
  const oldTitle = await page.title();

  // Deploy: a changed index.html, and a worker whose precache names its new revision (what a build produces).
  const html = (await readFile(path.join(dir, 'index.html'), 'utf8')).replace(/<title>[^<]*<\/title>/, '<title>新版本 · v2</title>');
  await writeFile(path.join(dir, 'index.html'), html);
  const sw = await readFile(path.join(dir, 'sw.js'), 'utf8');
  const next = sw.replace(/(url:"index\.html",revision:")[^"]+"/, '$1v2-test"');
  assert.is.not(next, sw, 'the worker lists index.html with a revision');
  await writeFile(path.join(dir, 'sw.js'), next);

  // The next navigation finds the new worker; it installs and waits while this page keeps its (old) shell.
  await page.reload();
  await page.waitForSelector('[data-testid=phone][data-ready=true]');
  const notice = page.locator('[data-testid=update-ready]');
  await notice.waitFor({ timeout: 15_000 });
  assert.match(await notice.innerText(), /新版本已就绪/);
  assert.is(await page.title(), oldTitle, 'the page goes on with what it has until asked');
  await page.locator('[data-testid=update-apply]').tap();
  await page.waitForFunction(() => document.title === '新版本 · v2', null, { timeout: 15_000 });
  await page.waitForSelector('[data-testid=phone][data-ready=true]');
  assert.is(await page.locator('[data-testid=update-ready]').count(), 0);
  await ctx.close();
});

U.run();
