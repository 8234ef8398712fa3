// Headless Chromium for browser suites (CHROMIUM_PATH, else Debian's, else the @sparticuz/chromium npm package; no
// downloads) and a fresh client build when client/ changed.
import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { mkdir } from 'node:fs/promises';
import { chromium, type Browser, type Page } from 'playwright-core';
import type { Config } from '../../server/config.ts';
import { startTestServer, type TestServer } from './server.ts';
import { gridByCode, noAutoDispatch, type GridRef } from './fixtures.ts';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const ARTIFACTS = path.join(root, 'test-artifacts');

export const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

const SYSTEM_CHROMIUM = ['/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome'];
let announced = false;

/** Which Chromium the browser suites run: an explicit CHROMIUM_PATH, the system one, or the npm package's. */
export async function chromiumExecutable(): Promise<{ path: string; source: string }> {
  if (process.env.CHROMIUM_PATH) return { path: process.env.CHROMIUM_PATH, source: 'CHROMIUM_PATH' };
  const system = SYSTEM_CHROMIUM.find((p) => existsSync(p));
  if (system) return { path: system, source: 'system' };
  // Ships Chromium with its own libraries, unpacked into the temp folder on first use (~2 s).
  const { default: packaged } = await import('@sparticuz/chromium');
  return { path: await packaged.executablePath(), source: '@sparticuz/chromium' };
}

/** Launches headless Chromium, or fails with the reason (a suite must never pass or vanish silently without one). */
export async function launchBrowser(): Promise<Browser> {
  let exe: { path: string; source: string } | null = null;
  try {
    exe = await chromiumExecutable();
    const browser = await chromium.launch({ executablePath: exe.path, args: CHROMIUM_ARGS });
    if (!announced) { announced = true; process.stderr.write(`browser suites: Chromium ${browser.version()} from ${exe.source} (${exe.path})\n`); }
    return browser;
  } catch (e) {
    const why = `cannot start headless Chromium${exe ? ` (${exe.source}: ${exe.path})` : ''}: ${(e as Error).message}`;
    process.stderr.write(`\nBROWSER SUITE FAILED TO START: ${why}\n`);
    throw new Error(why);
  }
}

function newest(dir: string): number {
  let t = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    t = Math.max(t, e.isDirectory() ? newest(p) : statSync(p).mtimeMs);
  }
  return t;
}

/** The server under test serves dist/: rebuild it when any client or shared file, or the build's config, is newer than the last build. */
export async function ensureClientBuilt(): Promise<void> {
  const index = path.join(root, 'dist', 'index.html');
  const sources = Math.max(newest(path.join(root, 'client')), newest(path.join(root, 'shared')), statSync(path.join(root, 'vite.config.ts')).mtimeMs);
  if (existsSync(index) && statSync(index).mtimeMs >= sources) return;
  const { build } = await import('vite');
  // Vite sets NODE_ENV=production in this process when it is unset; servers that later suites spawn would inherit it
  // (and refuse the demo database as production does).
  const nodeEnv = process.env.NODE_ENV;
  try {
    await build({ configFile: path.join(root, 'vite.config.ts'), logLevel: 'warn' });
  } finally {
    if (nodeEnv === undefined) delete process.env.NODE_ENV; else process.env.NODE_ENV = nodeEnv;
  }
}

/**
 * What most browser suites start from: a built client, a real server over the demo street office with auto-dispatch
 * off, duty staff signed in, the grid 01-1 to work in, and Chromium.
 */
export async function browserSuite(opts: { config?: Partial<Config> } = {}): Promise<{ s: TestServer; browser: Browser; g: GridRef; duty: string }> {
  await ensureClientBuilt();
  await mkdir(ARTIFACTS, { recursive: true });
  const s = await startTestServer(opts);
  await noAutoDispatch(s.sql);
  return { s, g: await gridByCode(s.sql, '01-1'), duty: await s.login('duty'), browser: await launchBrowser() };
}

/** The phone page goes on duty as a volunteer does it: the duty button, the consent to share location, then available. */
export async function goOnDuty(phone: Page, responderId: string, sql: TestServer['sql']): Promise<void> {
  await phone.click('[data-testid=duty-on]');
  await phone.click('[data-testid=consent-agree]');
  await phone.waitForSelector('[data-testid=phone][data-duty=available]');
  const end = Date.now() + 8000;
  while ((await sql`SELECT 1 FROM latest_positions WHERE responder_id = ${responderId}`).length === 0) {
    if (Date.now() > end) throw new Error('the phone\'s first position did not reach the server');
    await new Promise((r) => setTimeout(r, 50));
  }
}
