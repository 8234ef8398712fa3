// The measured phases of `npm run bench`: sustained position streaming, tickets while positions stream, and the raw
// Socket.IO fan-out limit with the same dashboard processes. Each returns plain numbers for the report.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { cpus } from 'node:os';
import type { Sql } from '../server/db/connect.ts';
import type { ScaleResult } from '../server/demo/scale.ts';
import { quantile } from './lib/hist.ts';
import type { Dashboards, Responders } from './lib/fleet.ts';
import { spawnWorker } from './lib/ipc.ts';
import { histogramDelta, pausesOf, serverNodeFlags, sumHistograms } from './lib/server.ts';
import { cpuMeter, cpuSeconds, machineTicks, rssMb } from './lib/proc.ts';

const here = path.dirname(fileURLToPath(import.meta.url));
export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
/** Positions each dashboard received per second, averaged over the dashboards of a report. */
const deliveredPerDashboard = (r: { perDashboard: number[]; ms: number }) => r.perDashboard.reduce((a, b) => a + b, 0) / Math.max(1, r.perDashboard.length) / (r.ms / 1000);
const round = (x: number | null, d = 1) => (x == null ? null : Math.round(x * 10 ** d) / 10 ** d);

/** serverPids: every instance; `scrape` reads each instance's /metrics once. */
export interface Procs { serverPids: number[]; pgPid: number | null; dashboards: Dashboards; responders: Responders; scrape(): Promise<string[]> }

/**
 * The highest rate of a capacity curve that kept up and met p50 ≤ 100 / p99 ≤ 250 ms, counting only the steps up
 * to the first that missed (a lucky step above a failed one is not capacity). Rates ascending; 0 when none did.
 */
export function withinTargets(steps: Array<{ rate: number; sustained: boolean; p50_ms: number | null; p99_ms: number | null }>) {
  let best = 0;
  for (const x of [...steps].sort((a, b) => a.rate - b.rate)) {
    if (!(x.sustained && (x.p50_ms ?? Infinity) <= 100 && (x.p99_ms ?? Infinity) <= 250)) break;
    best = x.rate;
  }
  return best;
}

/** CPU of every party over one window, in percent of one core; the machine as a percent of all its cores. */
function meters(p: Pick<Procs, 'serverPids' | 'pgPid' | 'dashboards' | 'responders'>) {
  const m = {
    server: cpuMeter(() => p.serverPids.reduce((sum, pid) => sum + cpuSeconds(pid), 0)),
    postgres: cpuMeter(() => (p.pgPid ? cpuSeconds(p.pgPid, true) : 0)),
    dashboards: cpuMeter(() => p.dashboards.cpu()),
    responders: cpuMeter(() => p.responders.cpu()),
  };
  let t0 = machineTicks();
  // Interrupt time (loopback TCP is processed in softirq) is charged to no process: shown apart from "other".
  return {
    start() { Object.values(m).forEach((x) => x.start()); t0 = machineTicks(); },
    read() {
      const t1 = machineTicks();
      const span = Math.max(1, t1.total - t0.total);
      const machine = (t1.busy - t0.busy) / span, irq = (t1.irq - t0.irq) / span;
      const mine = [m.server, m.postgres, m.dashboards, m.responders].reduce((s, x) => s + x.pct(), 0);
      return {
        server_cpu_pct: round(m.server.pct()), postgres_cpu_pct: round(m.postgres.pct()), dashboards_cpu_pct: round(m.dashboards.pct()),
        responders_cpu_pct: round(m.responders.pct()), machine_cpu_pct: round(machine * 100),
        kernel_irq_cpu_pct: round(irq * 100 * cpus().length),
        // Everything else on the machine (other jobs, the bench's own process), in % of a core.
        other_cpu_pct: round(Math.max(0, (machine - irq) * 100 * cpus().length - mine)),
      };
    },
  };
}

const FLUSH_METRIC = 'gridops_position_flush_seconds';
const DELAY_METRIC = 'gridops_position_delay_seconds';
/** PostgreSQL's own background work, which competes with the flushes for the same cores and disk. */
const pgBackground = async (sql: Sql) => {
  const [c] = await sql<{ n: string }[]>`SELECT num_done::text AS n FROM pg_stat_checkpointer`;
  const t = await sql<{ relname: string; vac: string; an: string }[]>`
    SELECT relname, autovacuum_count::text AS vac, autoanalyze_count::text AS an FROM pg_stat_user_tables`;
  return { checkpoints: Number(c.n), tables: new Map(t.map((r) => [r.relname, { vac: Number(r.vac), an: Number(r.an) }])) };
};
/** What PostgreSQL did in the background between two readings: checkpoints, and which tables it vacuumed/analyzed. */
function pgBackgroundDelta(a: Awaited<ReturnType<typeof pgBackground>>, b: Awaited<ReturnType<typeof pgBackground>>) {
  const vacuumed: string[] = [], analyzed: string[] = [];
  for (const [name, x] of b.tables) {
    const y = a.tables.get(name) ?? { vac: 0, an: 0 };
    if (x.vac > y.vac) vacuumed.push(name);
    if (x.an > y.an) analyzed.push(name);
  }
  return { checkpoints: b.checkpoints - a.checkpoints, autovacuums: vacuumed.length, autoanalyzes: analyzed.length, vacuumed, analyzed };
}

/**
 * Before measuring, as pgbench does: vacuum and analyze what the seed and the raw insert wrote, and checkpoint, so
 * that the one-off autovacuum pass over freshly loaded tables does not land in a measured window.
 */
export async function settleDatabase(sql: Sql) {
  await sql`VACUUM (ANALYZE)`;
  await sql`CHECKPOINT`;
}
const countPositions = async (sql: Sql) => Number((await sql<{ n: string }[]>`SELECT count(*) AS n FROM positions`)[0].n);
/** Position history on disk (heap + indexes + TOAST of every partition) and the WAL position: storage per point. */
const storage = async (sql: Sql) => {
  const [r] = await sql<{ bytes: string; lsn: string }[]>`
    SELECT coalesce(sum(pg_total_relation_size(name::regclass)), 0)::text AS bytes, pg_current_wal_lsn()::text AS lsn FROM gridops_position_partitions()`;
  return { bytes: Number(r.bytes), lsn: r.lsn };
};
const walBytes = async (sql: Sql, from: string, to: string) => Number((await sql<{ n: string }[]>`SELECT pg_wal_lsn_diff(${to}::pg_lsn, ${from}::pg_lsn)::text AS n`)[0].n);

/** Positions at `rate` for warm-up + window seconds: throughput persisted and delivered, latency, CPU, RSS. */
export async function positionsPhase(sql: Sql, p: Procs, o: { rate: number; jitter?: number | null; warmupS: number; windowS: number; scrapeEveryS?: number; log: (m: string) => void }) {
  await p.responders.rate(o.rate, o.jitter ?? undefined);
  await sleep(o.warmupS * 1000);
  await Promise.all([p.responders.record(), p.dashboards.record()]);
  const cpu = meters(p);
  cpu.start();
  // One scrape per instance at each end of the window (a scrape is work the server does while points wait). It also
  // resets the event-loop delay histogram: what is read at the end is this window's.
  const scraped0 = await p.scrape();
  const flush0 = sumHistograms(scraped0, FLUSH_METRIC), delay0 = sumHistograms(scraped0, DELAY_METRIC), pauses0 = scraped0.map(pausesOf);
  const bg0 = await pgBackground(sql);
  const [{ now: dbT0 }] = await sql<{ now: Date }[]>`SELECT now()`;
  const rows0 = await countPositions(sql), disk0 = await storage(sql), t0 = performance.now();
  const rss: Array<[number, number]> = [];
  const sampler = setInterval(() => {
    const rs = p.serverPids.map(rssMb);
    if (rs.every((r) => r != null)) rss.push([(performance.now() - t0) / 1000, rs.reduce((a, b) => a! + b!, 0)!]);
  }, 1000);
  const progress = setInterval(() => o.log(`  … ${Math.round((performance.now() - t0) / 1000)} s, server RSS ${rss.at(-1)?.[1].toFixed(0) ?? '?'} MB`), 30_000);
  // --scrape-every: /metrics read inside the window as a Prometheus would. Each read resets the event-loop delay
  // histogram, so the window's delay is the worst of the readings.
  const between: Array<ReturnType<typeof pausesOf>[]> = [];
  const scraper = o.scrapeEveryS ? setInterval(() => void p.scrape().then((t) => between.push(t.map(pausesOf)), (err) => o.log(`  /metrics scrape failed: ${(err as Error).message}`)), o.scrapeEveryS * 1000) : undefined;
  await sleep(o.windowS * 1000);
  clearInterval(sampler);
  clearInterval(progress);
  clearInterval(scraper);
  const scraped1 = await p.scrape();
  const pauses1 = scraped1.map(pausesOf).map((x, i) => ({
    ...x, lagP99Ms: Math.max(x.lagP99Ms, ...between.map((b) => b[i].lagP99Ms)), lagMaxMs: Math.max(x.lagMaxMs, ...between.map((b) => b[i].lagMaxMs)),
  }));
  const rows1 = await countPositions(sql), secs = (performance.now() - t0) / 1000, disk1 = await storage(sql);
  const flush = histogramDelta(flush0, sumHistograms(scraped1, FLUSH_METRIC));
  const delay = histogramDelta(delay0, sumHistograms(scraped1, DELAY_METRIC));
  const bg1 = await pgBackground(sql);
  // Dispatch beside the positions: offers made in the window and how many expired unanswered (ticket load the raw
  // pipeline does not carry), and what the phones answered.
  const [offers] = await sql<{ made: number; expired: number }[]>`
    SELECT count(*) FILTER (WHERE offered_at >= ${dbT0})::int AS made,
           count(*) FILTER (WHERE status = 'expired' AND answered_at >= ${dbT0})::int AS expired
    FROM offers WHERE offered_at >= ${dbT0} OR answered_at >= ${dbT0}`;
  const usage = cpu.read();
  const [dash, resp] = await Promise.all([p.dashboards.report(), p.responders.report()]);
  const perDash = dash.perDashboard.map((n) => n / (dash.ms / 1000));
  const persisted = (rows1 - rows0) / secs;
  // Each party over its own window (the reports are read a moment after the row count).
  const offered = resp.sent / (resp.ms / 1000);
  const delivered = perDash.reduce((a, b) => a + b, 0) / Math.max(1, perDash.length);
  // RSS trend: least-squares slope over the window, in MB per minute.
  const n = rss.length, mx = rss.reduce((s, [x]) => s + x, 0) / n, my = rss.reduce((s, [, y]) => s + y, 0) / n;
  const slope = n > 2 ? (rss.reduce((s, [x, y]) => s + (x - mx) * (y - my), 0) / rss.reduce((s, [x]) => s + (x - mx) ** 2, 0)) * 60 : null;
  return {
    window_s: round(secs), offered_per_s: round(offered, 0), acked_ok_per_s: round(resp.ok / (resp.ms / 1000), 0), ack_errors: resp.errors,
    persisted_per_s: round(persisted, 0), delivered_per_dashboard_per_s: round(delivered, 0), delivered_min_dashboard_per_s: round(Math.min(...perDash), 0),
    positions_per_s: round(Math.min(persisted, delivered), 0),
    // Keeping up: stored what was offered, delivered what was stored (coalescing drops repeats only when flushes lag),
    // and no queue growing (p99 under a second). When sustained, the figures describe the offered load, not a limit.
    sustained: persisted >= 0.95 * offered && delivered >= 0.9 * persisted && (dash.latency.percentile(99) ?? Infinity) <= 1000,
    position_to_dashboard_p50_ms: dash.latency.percentile(50), position_to_dashboard_p99_ms: dash.latency.percentile(99), position_to_dashboard_max_ms: round(dash.latency.max, 0),
    ack_p50_ms: resp.ackLatency.percentile(50), ack_p99_ms: resp.ackLatency.percentile(99),
    // The server's own histogram: one flush's database write (bucket bounds, so "≤ x ms").
    flushes: flush.count, flush_mean_ms: flush.mean_ms, flush_p50_le_ms: flush.p50_le_ms, flush_p99_le_ms: flush.p99_le_ms,
    // Inside the server: receipt → broadcast (flush wait + write). The rest of a point's latency is outside it.
    server_delay_mean_ms: delay.mean_ms, server_delay_p50_le_ms: delay.p50_le_ms, server_delay_p99_le_ms: delay.p99_le_ms,
    // What holds every socket up at once: the event loop busy (the worst instance) and the garbage collector (all).
    event_loop_delay_p50_ms: round(Math.max(...pauses1.map((x) => x.lagP50Ms))), event_loop_delay_p99_ms: round(Math.max(...pauses1.map((x) => x.lagP99Ms))),
    event_loop_delay_max_ms: round(Math.max(...pauses1.map((x) => x.lagMaxMs)), 0),
    gc_ms_per_s: round(pauses1.reduce((sum, x, i) => sum + x.gcSeconds - (pauses0[i]?.gcSeconds ?? 0), 0) * 1000 / secs),
    ...usage,
    // What each stored point costs: history on disk (all rows so far, so page-filling evens out), WAL written in the
    // window (history, latest_positions, everything else) per point stored in it, PostgreSQL CPU per 1,000/s.
    position_bytes_per_1000: rows1 > 0 ? Math.round((disk1.bytes / rows1) * 1000) : null,
    wal_bytes_per_point: rows1 > rows0 ? Math.round((await walBytes(sql, disk0.lsn, disk1.lsn)) / (rows1 - rows0)) : null,
    postgres_cpu_pct_per_1000_per_s: persisted > 0 && usage.postgres_cpu_pct != null ? round(usage.postgres_cpu_pct / (persisted / 1000), 2) : null,
    postgres_background: pgBackgroundDelta(bg0, bg1),
    server_rss_mb: { start: round(rss[0]?.[1] ?? null, 0), end: round(rss.at(-1)?.[1] ?? null, 0), max: round(Math.max(...rss.map(([, y]) => y)), 0), slope_mb_per_min: round(slope, 2) },
    dashboards_connected: dash.connected, dashboard_disconnects: dash.disconnects, delta_gaps: dash.gaps, responder_disconnects: resp.disconnects,
    generators_loop_max_ms: { phones: resp.loopMaxMs, screens: dash.loopMaxMs },
    // What one screen received, by event, per second of the window: the raw pipeline sends positions:batch only.
    screen_traffic_per_s: Object.fromEntries(Object.entries(dash.traffic).map(([e, t]) => [e, { messages: round(t.n / (dash.ms / 1000), 1), kb: round(t.bytes / 1024 / (dash.ms / 1000), 1) }])),
    offers_in_window: { made: offers.made, expired: offers.expired, ...resp.answers },
    // The seconds of the window (from its start) that held the most points over 250 ms: one stall or a spread tail.
    slow_seconds: dash.seconds.map(([n, slow, max], sec) => ({ sec, points: n, over_250_ms: slow, max_ms: max }))
      .filter((x) => x.over_250_ms > 0).sort((a, b) => b.over_250_ms - a.over_250_ms).slice(0, 5),
  };
}

/** Tickets over HTTP at `ticketRate`/s while positions stream at `positionRate`: 201 → every dashboard has it. */
export async function ticketsPhase(sql: Sql, p: Procs, url: string, seed: ScaleResult, o: { positionRate: number; jitter?: number | null; ticketRate: number; burstCount?: number; burstEveryS?: number; seconds: number; settleS?: number; dashboards: number; log: (m: string) => void }) {
  await p.responders.rate(o.positionRate, o.jitter ?? undefined);
  // A backlog left by the previous phase would be measured as ticket latency: wait (bounded) until the
  // unacknowledged points are under 0.3 s worth, then a little more.
  const drainStart = Date.now();
  for (let i = 0; i < 120 && (await p.responders.report()).inflight > o.positionRate * 0.3; i++) await sleep(500);
  o.log(`  position backlog drained in ${((Date.now() - drainStart) / 1000).toFixed(1)} s`);
  await sleep((o.settleS ?? 2) * 1000);
  await Promise.all([p.responders.record(), p.dashboards.record()]);
  const cpu = meters(p);
  cpu.start();
  const sent: Array<{ id: string | null; t0: number; t201: number; status: number }> = [];
  // The schedule: an even rate, plus `burstCount` tickets spread over one second every `burstEveryS`.
  const schedule: number[] = [];
  for (let k = 0; k < Math.round(o.ticketRate * o.seconds); k++) schedule.push((k * 1000) / o.ticketRate);
  if (o.burstCount && o.burstEveryS) {
    for (let b = o.burstEveryS / 2; b < o.seconds; b += o.burstEveryS) for (let j = 0; j < o.burstCount; j++) schedule.push((b + j / o.burstCount) * 1000);
  }
  schedule.sort((x, y) => x - y);
  const total = schedule.length;
  const posts: Promise<void>[] = [];
  const [c0] = await sql<{ seq: string; n: string }[]>`SELECT coalesce(max(seq), 0)::text AS seq, count(*)::text AS n FROM changes`;
  const start = Date.now();
  for (let k = 0; k < total; k++) {
    // Open-loop: each ticket is sent on schedule whether or not earlier ones were answered.
    await sleep(Math.max(0, start + schedule[k] - Date.now()));
    const g = seed.grids[(k * 7919) % seed.grids.length];
    const t0 = Date.now();
    posts.push(fetch(`${url}/api/tickets`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', cookie: `gridops_session=${seed.duty.token}` },
      body: JSON.stringify({ category: 'clutter', channel: 'hotline', description: `压测工单 ${k + 1}`, lat: g.lat, lng: g.lng }),
    }).then(async (res) => {
      const t201 = Date.now();
      const body = (await res.json().catch(() => ({}))) as { id?: string };
      sent.push({ id: res.status === 201 ? body.id ?? null : null, t0, t201, status: res.status });
    }, () => { sent.push({ id: null, t0, t201: Date.now(), status: 0 }); }));
  }
  await Promise.all(posts);
  // Let the last tickets arrive (bounded): every dashboard should have every ticket.
  for (let i = 0; i < 50; i++) {
    const r = await p.dashboards.report();
    if (sent.every((s) => !s.id || (r.tickets.get(s.id)?.n ?? 0) >= o.dashboards)) break;
    await sleep(100);
  }
  const usage = cpu.read();
  const secs = (Date.now() - start) / 1000;
  // The outbox at this rate: rows a second, what a row costs on disk, and what an hour's pruning keeps.
  const [c1] = await sql<{ seq: string; n: string; bytes: string; sessions: string; sessions_bytes: string }[]>`
    SELECT coalesce(max(seq), 0)::text AS seq, count(*)::text AS n, pg_total_relation_size('changes')::text AS bytes,
      (SELECT count(*) FROM sessions)::text AS sessions, pg_total_relation_size('sessions')::text AS sessions_bytes FROM changes`;
  const changeRows = Number(c1.seq) - Number(c0.seq);
  const dash = await p.dashboards.report();
  const ok = sent.filter((s) => s.id);
  const toAll: number[] = [], fromPost: number[] = [];
  let incomplete = 0;
  for (const s of ok) {
    const t = dash.tickets.get(s.id!);
    if (!t || t.n < o.dashboards) { incomplete++; continue; }
    toAll.push(Math.max(0, t.last - s.t201));
    fromPost.push(t.last - s.t0);
  }
  const http = ok.map((s) => s.t201 - s.t0);
  const statuses: Record<string, number> = {};
  for (const s of sent) statuses[s.status || 'network error'] = (statuses[s.status || 'network error'] ?? 0) + 1;
  return {
    tickets_sent: total, tickets_created: ok.length, tickets_failed: total - ok.length, http_statuses: statuses, tickets_not_on_every_dashboard: incomplete,
    ticket_to_dashboard_p50_ms: quantile(toAll, 50), ticket_to_dashboard_p99_ms: quantile(toAll, 99), ticket_to_dashboard_max_ms: quantile(toAll, 100),
    ticket_post_to_dashboard_p50_ms: quantile(fromPost, 50), ticket_post_to_dashboard_p99_ms: quantile(fromPost, 99),
    ticket_http_p50_ms: quantile(http, 50), ticket_http_p99_ms: quantile(http, 99),
    positions_during_tickets_per_s: round(deliveredPerDashboard(dash), 0),
    tickets_per_s: round(ok.length / secs, 2),
    changes_per_s: round(changeRows / secs, 1), changes_per_ticket: ok.length ? round(changeRows / ok.length, 1) : null,
    changes_bytes_per_row: Number(c1.n) > 0 ? Math.round(Number(c1.bytes) / Number(c1.n)) : null,
    sessions: Number(c1.sessions), sessions_bytes_per_row: Number(c1.sessions) > 0 ? Math.round(Number(c1.sessions_bytes) / Number(c1.sessions)) : null,
    ...usage,
  };
}

/**
 * The raw fan-out limit: a plain Socket.IO server broadcasting batches every 100 ms to the same dashboard processes,
 * stepping the rate up until the dashboards stop keeping up (under 90% delivered, or p99 over 1 s: queues growing).
 */
export async function rawBroadcastPhase(p: Pick<Procs, 'dashboards'>, o: { dashboards: number; responders: number; steps: number[]; log: (m: string) => void }) {
  const w = spawnWorker(path.join(here, 'workers/raw-broadcast.ts'), {}, serverNodeFlags());
  try {
    const port = await w.call<number>('listen');
    await p.dashboards.connect(`http://127.0.0.1:${port}`, null, o.dashboards, 20);
    const steps: Array<{ offered: number; delivered: number; p50: number | null; p99: number | null; server_cpu_pct: number | null; sustained: boolean }> = [];
    for (const rate of o.steps) {
      await w.call('rate', { perSecond: rate, responders: Math.max(o.responders, rate / 10) });
      await sleep(1500);
      await p.dashboards.record();
      const cpu = cpuMeter(() => cpuSeconds(w.pid));
      cpu.start();
      await sleep(4000);
      const r = await p.dashboards.report();
      const delivered = deliveredPerDashboard(r);
      const step = { offered: rate, delivered: Math.round(delivered), p50: r.latency.percentile(50), p99: r.latency.percentile(99), server_cpu_pct: round(cpu.pct()), sustained: false };
      // 90%: a 4 s window holds 40 ± 1 batches, and the clients share the cores with everything else.
      step.sustained = delivered >= 0.9 * rate && (step.p99 ?? Infinity) <= 1000;
      steps.push(step);
      o.log(`  raw broadcast ${rate}/s → ${step.delivered}/s per dashboard, p50 ${step.p50} ms, p99 ${step.p99} ms${step.sustained ? '' : ' (not sustained)'}`);
      if (!step.sustained) break;
    }
    await w.call('rate', { perSecond: 0, responders: 1 });
    await p.dashboards.close();
    const best = steps.filter((s) => s.sustained).reduce((m, s) => Math.max(m, s.delivered), 0);
    return { raw_broadcast_updates_per_s: best, steps };
  } finally {
    await w.stop();
  }
}

/**
 * The floor: the same phones and dashboards against a plain Socket.IO server that takes reports in, broadcasts them
 * in batches every 100 ms and then acks them, with no database, auth, validation or rooms. At each rate (the main
 * rate first, then higher ones until it stops keeping up) this is what no Socket.IO server could beat with these
 * clients sharing these cores: the latency floor, and the pipeline's own throughput limit.
 */
export async function rawPipelinePhase(p: Pick<Procs, 'dashboards' | 'responders'>, o: { dashboards: number; phones: Array<{ token: string; lat: number; lng: number }>; rates: number[]; mainRate: number; jitter?: number | null; warmupS: number; windowS: number; log: (m: string) => void; store?: { url: string; ids: string[] } }) {
  const w = spawnWorker(path.join(here, 'workers/raw-broadcast.ts'), {}, serverNodeFlags());
  try {
    const url = `http://127.0.0.1:${await w.call<number>('listen')}`;
    await p.dashboards.connect(url, null, o.dashboards, 20);
    await p.responders.connect(url, o.phones, 25);
    const measure = async (rate: number, label: string) => {
      await p.responders.rate(rate, o.jitter ?? undefined);
      await sleep(o.warmupS * 1000);
      await Promise.all([p.responders.record(), p.dashboards.record()]);
      const cpu = meters({ serverPids: [w.pid], pgPid: null, dashboards: p.dashboards, responders: p.responders });
      cpu.start();
      await sleep(o.windowS * 1000);
      const usage = cpu.read();
      const [dash, resp] = await Promise.all([p.dashboards.report(), p.responders.report()]);
      const offered = resp.sent / (resp.ms / 1000), acked = resp.ok / (resp.ms / 1000);
      const delivered = deliveredPerDashboard(dash);
      const step = {
        rate, offered_per_s: round(offered, 0), acked_per_s: round(acked, 0), delivered_per_dashboard_per_s: round(delivered, 0),
        p50_ms: dash.latency.percentile(50), p99_ms: dash.latency.percentile(99), ack_p50_ms: resp.ackLatency.percentile(50), ack_p99_ms: resp.ackLatency.percentile(99),
        server_cpu_pct: usage.server_cpu_pct, machine_cpu_pct: usage.machine_cpu_pct,
        // The same test as the real server's: took in what was offered, delivered it, no queue growing.
        sustained: acked >= 0.95 * offered && delivered >= 0.9 * acked && (dash.latency.percentile(99) ?? Infinity) <= 1000,
      };
      o.log(`  ${label} ${rate}/s → ${step.delivered_per_dashboard_per_s}/s per dashboard, p50 ${step.p50_ms} ms, p99 ${step.p99_ms} ms, server CPU ${step.server_cpu_pct}%, machine ${step.machine_cpu_pct}%${step.sustained ? '' : ' (not sustained)'}`);
      return step;
    };
    await w.call('pipeline', { on: true });
    const steps = [];
    for (const rate of o.rates) {
      const step = await measure(rate, 'raw pipeline');
      steps.push(step);
      // Past its limit, higher rates only queue up; below the main rate it still has to measure the main rate.
      if (!step.sustained && rate >= o.mainRate) break;
    }
    // The same pipeline writing each beat with the real server's statement first: what the database alone adds, at
    // the main rate and over the same curve (the capacity of any server that acks only what is committed).
    let withStatement = null;
    const withStatementSteps: typeof steps = [];
    if (o.store) {
      await p.responders.rate(0);
      await sleep(1000);
      await w.call('pipeline', { on: true, store: o.store });
      for (const rate of o.rates) {
        const step = await measure(rate, 'raw pipeline + position statement');
        withStatementSteps.push(step);
        if (rate === o.mainRate) withStatement = step;
        if (!step.sustained && rate >= o.mainRate) break;
      }
    }
    await p.responders.rate(0);
    await w.call('pipeline', { on: false });
    await Promise.all([p.responders.close(), p.dashboards.close()]);
    const best = steps.filter((x) => x.sustained).reduce((m, x) => Math.max(m, x.delivered_per_dashboard_per_s ?? 0), 0);
    // Every step kept up: the limit lies above the highest rate tried (the phones' 20/s each capped the steps).
    return { at_main_rate: steps.find((x) => x.rate === o.mainRate) ?? null, with_statement: withStatement, raw_pipeline_updates_per_s: best, limit_above_steps: steps.every((x) => x.sustained), within_targets_per_s: withinTargets(steps), steps,
      with_statement_within_targets_per_s: o.store ? withinTargets(withStatementSteps) : null, with_statement_steps: withStatementSteps };
  } finally {
    await w.stop();
  }
}
