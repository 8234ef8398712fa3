// npm run bench:wall — the wall screen at city scale in headless Chromium: how long until it is complete, and what one
// 100 ms batch of responder positions costs the page's main thread. Usage: tsx bench/wall.ts [--grids=1500]
// [--responders=10000] [--tickets=3000] [--batches=200,1000] [--seconds=10] [--loads=3] [--json] [--profile]
import pino from 'pino';
import type { CDPSession, Page } from 'playwright-core';
import { createApp } from '../server/app.ts';
import { testConfig } from '../server/config.ts';
import { seedScale, type ScaleResponder } from '../server/demo/scale.ts';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { ARTIFACTS, ensureClientBuilt, launchBrowser } from '../test/helpers/browser.ts';
import { quantile } from './lib/hist.ts';
import { startBenchDb } from './lib/pg.ts';

const args = Object.fromEntries(process.argv.slice(2).map((a) => a.replace(/^--/, '').split('=')).map(([k, v]) => [k, v ?? 'true']));
const num = (k: string, d: number) => (args[k] ? Number(args[k]) : d);
const opts = {
  grids: num('grids', 1500), responders: num('responders', 10_000), tickets: num('tickets', 3000),
  batches: (args.batches ?? '200,1000').split(',').map(Number), seconds: num('seconds', 10), loads: num('loads', 3), json: args.json === 'true',
  profile: args.profile === 'true',
};
const say = (m: string) => { if (!opts.json) process.stderr.write(m + '\n'); };

interface LoadResult { snapshotReceivedMs: number; snapshotAppliedMs: number; completeMs: number; snapshotBytes: number; tickets: number; responders: number; labels: number }
interface BatchResult { batchSize: number; batches: number; applyP50: number | null; applyP95: number | null; mainThreadPerBatchMs: number; rendererCpuPerBatchMs: number; longTasks: number; longTaskMs: number }

type WallWindow = { __wall: { store: { positionTimings: number[]; tickets: Map<string, unknown>; responders: Map<string, unknown>; status: string } }; __longTasks: { n: number; ms: number } };

/** Collects long tasks from page start; the bench reads and resets the counters per window. */
const LONGTASK_SCRIPT = `window.__longTasks = { n: 0, ms: 0 };
new PerformanceObserver((l) => { for (const e of l.getEntries()) { window.__longTasks.n++; window.__longTasks.ms += e.duration; } }).observe({ type: 'longtask', buffered: true });`;

/**
 * Two clocks for the page's cost: main-thread task time (wall clock, so it inflates on a busy machine) and the
 * renderer processes' CPU time (all threads, raster included; robust to other load). Both in ms.
 */
interface Meter { read(): Promise<{ taskMs: number; cpuMs: number }> }
function meter(page: CDPSession, browser: CDPSession): Meter {
  return {
    async read() {
      const { metrics } = await page.send('Performance.getMetrics');
      const info = await browser.send('SystemInfo.getProcessInfo') as { processInfo: Array<{ type: string; cpuTime: number }> };
      return {
        taskMs: (metrics.find((m) => m.name === 'TaskDuration')?.value ?? 0) * 1000,
        cpuMs: info.processInfo.filter((p) => p.type === 'renderer').reduce((a, p) => a + p.cpuTime, 0) * 1000,
      };
    },
  };
}

/**
 * Waits (at most 10 s) until the browser's processes are idle: under a tenth of a core over half a second. A new
 * headless tab keeps Chromium busy for a couple of seconds after it opens (it preloads its omnibox-popup WebUI in
 * another renderer: ~2 s of CPU on this machine). Navigating at once counted that start-up of the browser itself, on
 * the same two cores, as the wall's load time; a wall screen reloads in a browser that is already running.
 */
async function settle(browser: CDPSession): Promise<void> {
  const cpu = async () => ((await browser.send('SystemInfo.getProcessInfo')) as { processInfo: Array<{ cpuTime: number }> }).processInfo.reduce((a, p) => a + p.cpuTime, 0);
  const until = Date.now() + 10_000;
  let last = await cpu();
  while (Date.now() < until) {
    await new Promise((r) => setTimeout(r, 500));
    const now = await cpu();
    if (now - last < 0.05) return;
    last = now;
  }
}

async function loadWall(page: Page, url: string, snapshotBytes: () => number): Promise<LoadResult> {
  const cdp = opts.profile ? await page.context().newCDPSession(page) : null;
  if (cdp) { await cdp.send('Profiler.enable'); await cdp.send('Profiler.start'); }
  await page.goto(url);
  await page.waitForFunction(() => performance.getEntriesByName('gridops:wall-complete').length > 0, null, { timeout: 180_000, polling: 100 });
  if (cdp) printProfile((await cdp.send('Profiler.stop')).profile);
  // No named helper functions inside evaluate(): tsx's keepNames would reference a __name the page does not have.
  const r = await page.evaluate(() => {
    const w = (window as unknown as WallWindow).__wall.store;
    return {
      snapshotReceivedMs: performance.getEntriesByName('gridops:snapshot-received')[0]?.startTime ?? NaN,
      snapshotAppliedMs: performance.getEntriesByName('gridops:snapshot-applied')[0]?.startTime ?? NaN,
      completeMs: performance.getEntriesByName('gridops:wall-complete')[0]?.startTime ?? NaN,
      tickets: w.tickets.size, responders: w.responders.size, labels: document.querySelectorAll('.gridops-label').length,
    };
  });
  await cdp?.detach();
  return { ...r, snapshotBytes: snapshotBytes() };
}

/** --profile: the functions with the most self time during a load, to see where the seconds go. */
function printProfile(profile: { nodes: Array<{ id: number; callFrame: { functionName: string; url: string; lineNumber: number } }>; samples?: number[]; timeDeltas?: number[] }) {
  const self = new Map<number, number>();
  (profile.samples ?? []).forEach((id, i) => self.set(id, (self.get(id) ?? 0) + (profile.timeDeltas?.[i] ?? 0)));
  const byFn = new Map<string, number>();
  for (const n of profile.nodes) {
    const key = `${n.callFrame.functionName || '(anonymous)'} ${n.callFrame.url.split('/').pop()}:${n.callFrame.lineNumber}`;
    byFn.set(key, (byFn.get(key) ?? 0) + (self.get(n.id) ?? 0) / 1000);
  }
  for (const [k, ms] of [...byFn].sort((a, b) => b[1] - a[1]).slice(0, 20)) say(`  ${ms.toFixed(0).padStart(6)} ms  ${k}`);
}

/** Moves `size` responders (round robin) a few metres every 100 ms through the server's real position intake. */
function drivePositions(app: ReturnType<typeof createApp>, people: ScaleResponder[], size: number) {
  let next = 0;
  const timer = setInterval(() => {
    const at = new Date().toISOString();
    for (let i = 0; i < size; i++) {
      const p = people[next++ % people.length];
      p.lat += (Math.random() - 0.5) * 0.0003;
      p.lng += (Math.random() - 0.5) * 0.0003;
      app.ingest.report(p.id, { lat: p.lat, lng: p.lng, accuracy: 10, at });
    }
  }, 100);
  return () => clearInterval(timer);
}

async function measureBatches(page: Page, m: Meter, app: ReturnType<typeof createApp>, people: ScaleResponder[], size: number, seconds: number, idle: { taskMs: number; cpuMs: number }): Promise<BatchResult> {
  const stop = drivePositions(app, people, size);
  await page.waitForTimeout(1500); // warm-up: the stream reaches its steady state
  await page.evaluate(() => { const w = window as unknown as WallWindow; w.__wall.store.positionTimings.length = 0; w.__longTasks = { n: 0, ms: 0 }; });
  const t0 = await m.read();
  await page.waitForTimeout(seconds * 1000);
  const t1 = await m.read();
  const r = await page.evaluate(() => { const w = window as unknown as WallWindow; return { timings: [...w.__wall.store.positionTimings], lt: w.__longTasks }; });
  stop();
  await page.waitForTimeout(500);
  const sorted = r.timings.sort((a, b) => a - b);
  const n = Math.max(1, r.timings.length);
  const per = (k: 'taskMs' | 'cpuMs') => Math.max(0, t1[k] - t0[k] - idle[k] * seconds) / n;
  return {
    batchSize: size, batches: sorted.length, applyP50: quantile(sorted, 50), applyP95: quantile(sorted, 95),
    mainThreadPerBatchMs: per('taskMs'), rendererCpuPerBatchMs: per('cpuMs'), longTasks: r.lt.n, longTaskMs: r.lt.ms,
  };
}

const f = (x: number | null, d = 1) => (x == null || Number.isNaN(x) ? '—' : x.toFixed(d));

async function main() {
  say('building the client if needed…');
  await ensureClientBuilt();
  say('starting PostgreSQL…');
  const db = await startBenchDb();
  const browser = await launchBrowser();
  let app: ReturnType<typeof createApp> | null = null;
  try {
    say(`generating ${opts.grids} grids, ${opts.responders} responders on duty, ${opts.tickets} open tickets…`);
    const scale = await seedScale(db.sql, { grids: opts.grids, responders: opts.responders, openTickets: opts.tickets });
    say(`  seeded in ${(scale.ms / 1000).toFixed(1)} s`);
    app = createApp({ sql: db.sql, config: testConfig(), log: pino({ level: 'silent' }) });
    await app.start();
    const port = await app.listen(0);
    const url = `http://127.0.0.1:${port}/wall?token=${encodeURIComponent(scale.displayToken)}`;
    // The snapshot's size as it leaves the server: `2["live:snapshot",…]` plus Engine.IO's one-character frame type,
    // the payload a wall downloads on connect. Read here, not from the browser: Chrome's network events for a 1 MB
    // frame (a copy of it sent to this process) cost the page being measured about a tenth of a second.
    let lastSnapshotBytes = 0;
    app.io.engine.on('connection', (s: { on(ev: 'packetCreate', fn: (p: { type: string; data?: unknown }) => void): void }) => s.on('packetCreate', (p) => {
      if (p.type === 'message' && typeof p.data === 'string' && p.data.startsWith('2["live:snapshot"')) lastSnapshotBytes = p.data.length + 1;
    }));

    const loads: LoadResult[] = [];
    const browserCdp = await browser.newBrowserCDPSession();
    let page: Page | null = null;
    for (let i = 0; i < opts.loads; i++) {
      await page?.close();
      page = await browser.newPage({ viewport: { width: 1920, height: 1080 } });
      await page.addInitScript(LONGTASK_SCRIPT);
      await settle(browserCdp);
      say(`loading the wall (${i + 1}/${opts.loads})…`);
      loads.push(await loadWall(page, url, () => lastSnapshotBytes));
    }
    // A picture of the city-scale wall, to judge clutter with 10,000 people and 1,500 grids on one screen.
    await mkdir(ARTIFACTS, { recursive: true });
    await page!.screenshot({ path: path.join(ARTIFACTS, 'wall-city-1080p.png') });
    const cdp = await page!.context().newCDPSession(page!);
    await cdp.send('Performance.enable');
    const m = meter(cdp, browserCdp);
    // What the page costs with no positions flowing (clock tick, countdowns): subtracted from the batch windows.
    const i0 = await m.read();
    await page!.waitForTimeout(5000);
    const i1 = await m.read();
    const idle = { taskMs: (i1.taskMs - i0.taskMs) / 5, cpuMs: (i1.cpuMs - i0.cpuMs) / 5 };
    const batches: BatchResult[] = [];
    for (const size of opts.batches) {
      say(`streaming ${size} positions per 100 ms for ${opts.seconds} s…`);
      batches.push(await measureBatches(page!, m, app, scale.responders, size, opts.seconds, idle));
    }

    const med = (k: keyof LoadResult) => quantile(loads.map((l) => l[k]).sort((a, b) => a - b), 50);
    const result = { dataset: { grids: opts.grids, responders: opts.responders, openTickets: opts.tickets, onWall: { tickets: loads[0].tickets, responders: loads[0].responders } }, loads, idle, batches };
    if (opts.json) { console.log(JSON.stringify(result, null, 2)); return; }
    console.log(`\nWall screen at city scale — ${opts.grids} grids, ${loads[0].tickets} live tickets, ${loads[0].responders} responders on duty (Chromium headless, 1920×1080)\n`);
    console.log('load (median of ' + loads.length + ')                 ms');
    console.log(`  snapshot received (from navigation)  ${f(med('snapshotReceivedMs'), 0).padStart(8)}`);
    console.log(`  snapshot applied to the store        ${f(med('snapshotAppliedMs'), 0).padStart(8)}`);
    console.log(`  wall complete (drawn)                ${f(med('completeMs'), 0).padStart(8)}`);
    console.log(`  snapshot size                        ${(loads[0].snapshotBytes / 1024 / 1024).toFixed(1).padStart(8)} MB`);
    console.log(`  map labels placed                    ${String(loads[0].labels).padStart(8)}`);
    console.log(`  idle: main thread / renderer CPU     ${f(idle.taskMs).padStart(8)} / ${f(idle.cpuMs)} ms per s`);
    console.log('\npositions per 100 ms batch   batches   apply p50   apply p95   main thread/batch   renderer CPU/batch   long tasks');
    for (const b of batches) {
      console.log(`  ${String(b.batchSize).padStart(6)}                 ${String(b.batches).padStart(5)}   ${f(b.applyP50, 2).padStart(6)} ms   ${f(b.applyP95, 2).padStart(6)} ms   ${f(b.mainThreadPerBatchMs, 1).padStart(10)} ms   ${f(b.rendererCpuPerBatchMs, 1).padStart(11)} ms        ${b.longTasks} (${f(b.longTaskMs, 0)} ms)`);
    }
    console.log(`\nscreenshot: ${path.relative(process.cwd(), path.join(ARTIFACTS, 'wall-city-1080p.png'))}`);
    console.log('apply = the socket handler (store update, ids queued for the map); markers move in one throttled pass every 500 ms.');
    console.log('main thread/batch = all page work per batch (message parse, apply, marker moves, canvas redraws): Chrome\'s');
    console.log('TaskDuration, minus the idle cost; wall-clock, so it grows on a busy machine. renderer CPU/batch = CPU time of');
    console.log('the renderer (all threads, software raster included) minus idle: the steadier of the two.');
  } finally {
    await browser.close();
    await app?.close();
    await db.stop();
  }
}

main().catch((err) => { console.error(err); process.exit(1); });
