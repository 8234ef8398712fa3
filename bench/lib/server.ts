// Starts the real server (server/index.ts) as its own process, so that its CPU and memory can be measured apart
// from the load generators; waits until /readyz answers.
import { spawn } from 'node:child_process';
import { appendFileSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort } from './pg.ts';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

export interface ServerProc { url: string; pid: number; logTail(): string; stop(): Promise<void>; inspector: Promise<string> | null; scrape(): Promise<string> }

/** A Prometheus histogram as read from /metrics: cumulative counts per upper bound (seconds), sum and count. */
export interface Histogram { buckets: Array<[number, number]>; sum: number; count: number }

const METRICS_TOKEN = 'bench-metrics-token-0123456789';

/** The distribution between two readings of the same histogram: mean and bucket-bound quantiles, in ms. */
export function histogramDelta(a: Histogram, b: Histogram) {
  const n = b.count - a.count;
  const q = (p: number) => {
    const want = (n * p) / 100;
    for (let i = 0; i < b.buckets.length; i++) if (b.buckets[i][1] - (a.buckets[i]?.[1] ?? 0) >= want) return b.buckets[i][0] * 1000;
    return null;
  };
  return { count: n, mean_ms: n > 0 ? Math.round(((b.sum - a.sum) / n) * 10000) / 10 : null, p50_le_ms: q(50), p99_le_ms: q(99) };
}

/** The Node flags of `npm start` (package.json's start script is their one source), e.g. `--max-semi-space-size=64`. */
export function startNodeFlags(): string[] {
  const start: string = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')).scripts.start;
  const m = /\bnode((?: --[\w-]+(?:=\S+)?)*) --import tsx server\/index\.ts/.exec(start);
  if (!m) throw new Error(`package.json's start script no longer reads "node [flags] --import tsx server/index.ts": ${start}`);
  return m[1].split(' ').filter(Boolean);
}

/** The Node flags the server runs with: npm start's unless BENCH_SERVER_NODE_FLAGS replaces them (the raw baselines get the same, for a fair comparison). */
export const serverNodeFlags = () => (process.env.BENCH_SERVER_NODE_FLAGS?.split(' ') ?? startNodeFlags()).filter(Boolean);

export async function startServer(databaseUrl: string, dataDir: string, env: NodeJS.ProcessEnv = {}, profileDir: string | null = null): Promise<ServerProc> {
  const port = await freePort();
  // node --import tsx rather than the tsx CLI: the CLI runs the script in a second process, whose pid we would miss.
  // --profile: the inspector is opened so a chosen phase can be profiled (bench/lib/profile.ts), not the start-up.
  const prof = profileDir ? ['--inspect=127.0.0.1:0'] : [];
  // As `npm start` runs it (package.json): a larger young generation halves the scavenger's share of the CPU at
  // 10,000 positions/s (measured: 83 % → 73 % of a core, p50 263 → 158 ms), and without allocation-site pretenuring
  // fewer short-lived objects are promoted (README, issue #14's table). BENCH_SERVER_NODE_FLAGS overrides.
  const flags = serverNodeFlags();
  const child = spawn(process.execPath, [...flags, ...prof, '--import', 'tsx', path.join(root, 'server/index.ts')], {
    cwd: root,
    env: {
      ...process.env, PORT: String(port), HOST: '127.0.0.1', DATABASE_URL: databaseUrl, DATA_DIR: dataDir,
      SIMULATE: 'false', SEED_DEMO: 'false', LOG_LEVEL: 'warn', METRICS_TOKEN,
      // Every generated client comes from 127.0.0.1, 200 dashboards share one display link: no connection caps here.
      MAX_SOCKETS_PER_ADDRESS: '0', MAX_SOCKETS_PER_DISPLAY: '0', LIVE_CONNECTS_PER_MINUTE: '0', LIVE_CONNECTS_PER_ADDRESS_PER_MINUTE: '0', ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let log = '';
  let found: (url: string) => void = () => {};
  const inspector = profileDir ? new Promise<string>((r) => { found = r; }) : null;
  const keep = (b: Buffer) => {
    if (process.env.BENCH_SERVER_LOG) appendFileSync(process.env.BENCH_SERVER_LOG, b);
    log = (log + b.toString()).slice(-20_000);
    const m = /Debugger listening on (ws:\/\/\S+)/.exec(log);
    if (m) found(m[1]);
  };
  child.stdout.on('data', keep);
  child.stderr.on('data', keep);
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`server exited with ${child.exitCode}:\n${log}`);
    const ok = await fetch(`${url}/readyz`).then((r) => r.ok, () => false);
    if (ok) break;
    if (Date.now() > deadline) { child.kill('SIGKILL'); throw new Error(`server not ready in 60 s:\n${log}`); }
    await new Promise((r) => setTimeout(r, 200));
  }
  const scrape = async () => (await fetch(`${url}/metrics`, { headers: { authorization: `Bearer ${METRICS_TOKEN}` } })).text();
  return {
    url, pid: child.pid!, inspector,
    scrape,
    logTail: () => log,
    async stop() {
      if (child.exitCode !== null) return;
      const exited = new Promise<void>((r) => child.once('exit', () => r()));
      child.kill('SIGTERM');
      const t = setTimeout(() => child.kill('SIGKILL'), 20_000);
      await exited;
      clearTimeout(t);
    },
  };
}

/** One histogram from a /metrics text: cumulative counts per upper bound (seconds), sum and count. */
export function histogramOf(text: string, name: string): Histogram {
  const buckets: Array<[number, number]> = [];
  for (const m of text.matchAll(new RegExp(`^${name}_bucket\\{le="([^"]+)"\\} (\\S+)$`, 'gm'))) buckets.push([m[1] === '+Inf' ? Infinity : Number(m[1]), Number(m[2])]);
  const one = (k: string) => Number(new RegExp(`^${name}_${k} (\\S+)$`, 'm').exec(text)?.[1] ?? 0);
  return { buckets, sum: one('sum'), count: one('count') };
}

/** One histogram summed over several instances' /metrics texts (same buckets on every instance). */
export function sumHistograms(texts: string[], name: string): Histogram {
  const hs = texts.map((t) => histogramOf(t, name));
  return {
    buckets: hs[0].buckets.map(([le], i) => [le, hs.reduce((sum, h) => sum + (h.buckets[i]?.[1] ?? 0), 0)]),
    sum: hs.reduce((s, h) => s + h.sum, 0), count: hs.reduce((s, h) => s + h.count, 0),
  };
}

const LAG_TICK_MS = 10;
/**
 * The server's pauses from one /metrics text: event-loop delay since the previous scrape (prom-client resets it on
 * every scrape, so read it first at the end of a window) and the garbage collector's time since start.
 */
export function pausesOf(text: string) {
  // Node's delay monitor records whole tick intervals: prom-client's 10 ms tick is taken off (what is left is delay).
  const lag = (q: string) => Math.max(0, Number(new RegExp(`^gridops_nodejs_eventloop_lag_${q}_seconds (\\S+)$`, 'm').exec(text)?.[1] ?? NaN) * 1000 - LAG_TICK_MS);
  let gcSeconds = 0;
  for (const m of text.matchAll(/^gridops_nodejs_gc_duration_seconds_sum\{[^}]*\} (\S+)$/gm)) gcSeconds += Number(m[1]);
  return { lagP50Ms: lag('p50'), lagP99Ms: lag('p99'), lagMaxMs: lag('max'), gcSeconds };
}
