// The load generators as groups of worker processes: dashboards and responders split evenly, results merged.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Hist, type HistJson } from './hist.ts';
import { spawnWorker, type Worker } from './ipc.ts';
import { cpuSeconds } from './proc.ts';

const here = path.dirname(fileURLToPath(import.meta.url));
const split = (n: number, parts: number) => Array.from({ length: parts }, (_, k) => Math.floor(n / parts) + (k < n % parts ? 1 : 0));

export interface DashReport {
  ms: number; perDashboard: number[]; latency: HistJson; tickets: Array<[string, number, number]>;
  gaps: number; disconnects: number; reconnectSnapshots: number; connected: number;
  /** Per second of the window: points, points over 250 ms, the slowest ms. */
  seconds: Array<[number, number, number]>;
  /** The worker's longest event-loop delay in the window (ms). */
  loopMaxMs: number;
  /** Its first screen's messages and bytes by event in the window. */
  traffic: Record<string, { n: number; bytes: number }>;
}
export interface RespReport { ms: number; sent: number; ok: number; errors: Record<string, number>; inflight: number; disconnects: number; ackLatency: HistJson; connected: number; loopMaxMs: number; answers: { accepted: number; declined: number; refused: number } }

export class Dashboards {
  readonly workers: Worker[];
  constructor(procs: number) {
    this.workers = Array.from({ length: procs }, () => spawnWorker(path.join(here, '../workers/dashboards.ts')));
  }
  cpu() { return this.workers.reduce((s, w) => s + cpuSeconds(w.pid), 0); }

  /** With several server URLs (instances), worker k connects to urls[k mod n]. */
  async connect(urls: string | string[], displayToken: string | null, count: number, concurrencyPerProc: number) {
    const parts = split(count, this.workers.length);
    const at = (k: number) => (Array.isArray(urls) ? urls[k % urls.length] : urls);
    const rs = await Promise.all(this.workers.map((w, k) => w.call<{ ok: number; failed: number; times: number[]; snapshotBytes: number }>('connect', { url: at(k), displayToken, count: parts[k], concurrency: concurrencyPerProc })));
    return { ok: rs.reduce((s, r) => s + r.ok, 0), failed: rs.reduce((s, r) => s + r.failed, 0), times: rs.flatMap((r) => r.times), snapshotBytes: Math.max(...rs.map((r) => r.snapshotBytes)) };
  }
  record() { return Promise.all(this.workers.map((w) => w.call('record'))); }

  async report() {
    const rs = await Promise.all(this.workers.map((w) => w.call<DashReport>('report')));
    const latency = new Hist();
    const tickets = new Map<string, { n: number; last: number }>();
    const seconds: Array<[number, number, number]> = [];
    for (const r of rs) {
      latency.merge(r.latency);
      r.seconds.forEach(([n, slow, max], i) => {
        const row = (seconds[i] ??= [0, 0, 0]);
        row[0] += n; row[1] += slow; row[2] = Math.max(row[2], max);
      });
      for (const [id, n, last] of r.tickets) {
        const t = tickets.get(id) ?? { n: 0, last: 0 };
        tickets.set(id, { n: t.n + n, last: Math.max(t.last, last) });
      }
    }
    return {
      ms: Math.max(...rs.map((r) => r.ms)), perDashboard: rs.flatMap((r) => r.perDashboard), latency, tickets, seconds, loopMaxMs: rs.map((r) => Math.round(r.loopMaxMs)),
      gaps: rs.reduce((s, r) => s + r.gaps, 0), disconnects: rs.reduce((s, r) => s + r.disconnects, 0),
      reconnectSnapshots: rs.reduce((s, r) => s + r.reconnectSnapshots, 0), connected: rs.reduce((s, r) => s + r.connected, 0),
      traffic: rs[0]?.traffic ?? {},
    };
  }
  close() { return Promise.all(this.workers.map((w) => w.call('close'))); }
  stop() { return Promise.all(this.workers.map((w) => w.stop())); }
}

export class Responders {
  readonly workers: Worker[];
  constructor(procs: number) {
    this.workers = Array.from({ length: procs }, () => spawnWorker(path.join(here, '../workers/responders.ts')));
  }
  cpu() { return this.workers.reduce((s, w) => s + cpuSeconds(w.pid), 0); }

  /** `answerOffers`: the phones accept or decline the offers they get, as volunteers do (bench/workers/responders.ts). */
  async connect(urls: string | string[], responders: Array<{ id?: string; token: string; lat: number; lng: number }>, concurrencyPerProc: number, answerOffers = true) {
    const parts = split(responders.length, this.workers.length);
    const at = (k: number) => (Array.isArray(urls) ? urls[k % urls.length] : urls);
    let from = 0;
    const rs = await Promise.all(this.workers.map((w, k) => {
      const mine = responders.slice(from, (from += parts[k]));
      return w.call<{ ok: number; failed: number; ms: number }>('connect', { url: at(k), responders: mine, concurrency: concurrencyPerProc, answerOffers }, 1_800_000);
    }));
    return { ok: rs.reduce((s, r) => s + r.ok, 0), failed: rs.reduce((s, r) => s + r.failed, 0), ms: Math.max(...rs.map((r) => r.ms)) };
  }
  /** `total` reports a second over all phones; with `jitter` each phone reports on its own timer (period ± jitter). */
  rate(total: number, jitter?: number) {
    const parts = split(total, this.workers.length);
    return Promise.all(this.workers.map((w, k) => w.call('rate', { perSecond: parts[k], jitter })));
  }
  record() { return Promise.all(this.workers.map((w) => w.call('record'))); }

  async report() {
    const rs = await Promise.all(this.workers.map((w) => w.call<RespReport>('report')));
    const errors: Record<string, number> = {};
    for (const r of rs) for (const [k, v] of Object.entries(r.errors)) errors[k] = (errors[k] ?? 0) + v;
    const ackLatency = new Hist();
    for (const r of rs) ackLatency.merge(r.ackLatency);
    return {
      ms: Math.max(...rs.map((r) => r.ms)), sent: rs.reduce((s, r) => s + r.sent, 0), ok: rs.reduce((s, r) => s + r.ok, 0), errors, ackLatency, loopMaxMs: rs.map((r) => Math.round(r.loopMaxMs)),
      inflight: rs.reduce((s, r) => s + r.inflight, 0), disconnects: rs.reduce((s, r) => s + r.disconnects, 0), connected: rs.reduce((s, r) => s + r.connected, 0),
      answers: { accepted: rs.reduce((s, r) => s + r.answers.accepted, 0), declined: rs.reduce((s, r) => s + r.answers.declined, 0), refused: rs.reduce((s, r) => s + r.answers.refused, 0) },
    };
  }
  close() { return Promise.all(this.workers.map((w) => w.call('close'))); }
  stop() { return Promise.all(this.workers.map((w) => w.stop())); }
}
