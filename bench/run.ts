// `npm run bench`: the real-time backbone at city scale: the real server and PostgreSQL, dashboard sockets and
// streaming responders in separate processes, tickets over HTTP, and the raw limits of the same machine in the same run.
import { appendFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { seedScale } from '../server/demo/scale.ts';
import { startBenchDb } from './lib/pg.ts';
import { serverNodeFlags, startServer, type ServerProc } from './lib/server.ts';
import { Dashboards, Responders } from './lib/fleet.ts';
import { quantile } from './lib/hist.ts';
import { rawBatchedInsert } from './lib/raw-insert.ts';
import { cpuMeter, cpuSeconds, machineTicks, rssMb } from './lib/proc.ts';
import { resetStatements, topStatements } from './lib/pg-statements.ts';
import { startProfile, summariseBlocks, summariseHeapProfiles, summariseProfiles } from './lib/profile.ts';
import { positionsPhase, rawBroadcastPhase, rawPipelinePhase, settleDatabase, sleep, ticketsPhase, withinTargets, type Procs } from './phases.ts';
import { printTable, profileTargets, targets } from './report.ts';
import { profile, type Profile, type ProfileName } from './profiles.ts';

// `--reports`: the managers' reports on a year of a city's history instead (bench/reports.ts).
if (process.argv.includes('--reports')) {
  const { runReportsBench } = await import('./reports.ts');
  const code = await runReportsBench(process.argv.slice(2).filter((x) => x !== '--reports')).catch((err) => { console.error('bench failed:', err?.stack ?? err); return 1; });
  process.exit(code);
}

const { values: a } = parseArgs({
  options: {
    json: { type: 'boolean', default: false },
    quick: { type: 'boolean', default: false },
    // The load: city (10,000 phones every 5 s ± 20 %, tickets at a day's peak with bursts) or stress (10,000/s).
    profile: { type: 'string', default: 'stress' },
    dashboards: { type: 'string' }, responders: { type: 'string' }, rate: { type: 'string' }, seconds: { type: 'string' },
    minutes: { type: 'string' }, warmup: { type: 'string' }, jitter: { type: 'string' },
    'ticket-rate': { type: 'string' }, 'ticket-seconds': { type: 'string' }, 'ticket-positions': { type: 'string' },
    'burst-count': { type: 'string' }, 'burst-every': { type: 'string' },
    grids: { type: 'string' }, 'city-responders': { type: 'string' }, 'open-tickets': { type: 'string' },
    'dashboard-procs': { type: 'string' }, 'responder-procs': { type: 'string' }, 'raw-seconds': { type: 'string' },
    'skip-raw': { type: 'boolean', default: false },
    // Phones that never answer an offer (every waiting ticket's offer expires and is re-offered all run long).
    'phones-ignore-offers': { type: 'boolean', default: false },
    // The raw broadcast limit takes ~50 s: leave it out of an A/B series.
    'skip-raw-broadcast': { type: 'boolean', default: false },
    // After the raw pipeline, the same pipeline writing each beat with the real server's position statement first:
    // the floor of any server that acks only what is committed, on these cores (~30 s more).
    'raw-with-statement': { type: 'boolean', default: false },
    // Reads the server's /metrics every N seconds during the main positions window, as Prometheus does in production.
    'scrape-every': { type: 'string' },
    // Server instances sharing the database (cluster adapter); clients are spread over them.
    instances: { type: 'string' },
    // Capacity curve of ours and of the raw pipeline: these rates (comma-separated; 0 = none) instead of the profile's.
    steps: { type: 'string' },
    // Extra environment for the server, KEY=VALUE,KEY=VALUE (an experiment's switch, e.g. for an A/B run).
    'server-env': { type: 'string' },
    // Samples the server's CPU (V8 sampling profiler) during the main positions phase and prints where its time went.
    'cpu-profile': { type: 'boolean', default: false },
    // Also samples the server's allocations in that phase and prints which functions allocated what the scavenges
    // promoted (freed only by a mark-compact, or still alive).
    'heap-profile': { type: 'boolean', default: false },
    // PostgreSQL's execution time in the main positions phase by statement (pg_stat_statements in the bench's cluster).
    'pg-statements': { type: 'boolean', default: false },
  },
});
let prof: Profile;
try { prof = profile(a.profile!, a.quick!); } catch (e) { console.error(`bench: ${(e as Error).message}`); process.exit(2); }
const num = (v: string | undefined, dflt: number) => (v != null ? Number(v) : dflt);
const opt = {
  profile: a.profile as ProfileName, quick: a.quick!,
  dashboards: num(a.dashboards, prof.dashboards), responders: num(a.responders, prof.responders), rate: num(a.rate, prof.rate),
  windowS: a.minutes ? Number(a.minutes) * 60 : num(a.seconds, prof.windowS), warmupS: num(a.warmup, prof.warmupS),
  jitter: a.jitter != null ? Number(a.jitter) : prof.jitter,
  ticketRate: num(a['ticket-rate'], prof.ticketRate), ticketSeconds: num(a['ticket-seconds'], prof.ticketSeconds), ticketPositions: num(a['ticket-positions'], prof.ticketPositions),
  burstCount: num(a['burst-count'], prof.burstCount), burstEveryS: num(a['burst-every'], prof.burstEveryS),
  grids: num(a.grids, prof.grids), cityResponders: num(a['city-responders'], prof.cityResponders), openTickets: num(a['open-tickets'], prof.openTickets),
  dashboardProcs: num(a['dashboard-procs'], prof.dashboardProcs), responderProcs: num(a['responder-procs'], prof.responderProcs), rawSeconds: num(a['raw-seconds'], prof.rawSeconds),
  instances: Math.max(1, num(a.instances, 1)),
};
const steps = a.steps != null ? a.steps.split(',').map(Number).filter((x) => x > 0) : prof.steps;
const serverEnv: Record<string, string> = Object.fromEntries((a['server-env'] ?? '').split(',').filter(Boolean).map((kv) => [kv.slice(0, kv.indexOf('=')), kv.slice(kv.indexOf('=') + 1)]));
for (const [k, v] of Object.entries(opt)) if (typeof v === 'number' && (!Number.isFinite(v) || v < 0)) { console.error(`bench: --${k} must be a number ≥ 0`); process.exit(2); }
if (opt.responders > opt.cityResponders) opt.cityResponders = opt.responders;
// The server allows 20 reports/s per socket: more per responder would measure the rate limiter, not the backbone.
if (Math.max(opt.rate, ...steps) / Math.max(1, opt.responders) > 15) { console.error(`bench: ${Math.max(opt.rate, ...steps)}/s over ${opt.responders} responders exceeds the per-socket limit; add --responders`); process.exit(2); }

const t0 = Date.now();
const log = (m: string) => process.stderr.write(`[bench ${((Date.now() - t0) / 1000).toFixed(0).padStart(4)} s] ${m}\n`);

async function main() {
  const cleanup: Array<() => Promise<unknown>> = [];
  const out: Record<string, unknown> = { options: opt, machine: { cores: (await import('node:os')).cpus().length, node: process.version, server_node_flags: serverNodeFlags() } };
  try {
    // Other work on the machine skews every figure: measure it before we start anything.
    const m0 = machineTicks();
    await sleep(opt.quick ? 500 : 2000);
    const m1 = machineTicks();
    out.machine_busy_before_pct = Math.round(((m1.busy - m0.busy) / Math.max(1, m1.total - m0.total)) * 1000) / 10;
    log(`machine busy before start: ${out.machine_busy_before_pct}% of all cores`);
    log('starting PostgreSQL (embedded, temp folder)');
    // BENCH_PG_LOG=file: PostgreSQL's statements over 100 ms, lock waits, checkpoints and autovacuum runs appended
    // to that file, to set beside the server's `slow position write` lines (BENCH_SERVER_LOG).
    const pgLog = process.env.BENCH_PG_LOG;
    const db = await startBenchDb(pgLog ? (m) => appendFileSync(pgLog, `${new Date().toISOString()} ${m}\n`) : undefined, { statements: a['pg-statements'] });
    cleanup.unshift(() => db.stop());
    if (pgLog) {
      for (const [k, v] of [['log_min_duration_statement', '100'], ['log_lock_waits', 'on'], ['deadlock_timeout', '50ms'], ['log_checkpoints', 'on'], ['log_autovacuum_min_duration', '0']]) {
        await db.sql.unsafe(`ALTER SYSTEM SET ${k} = '${v}'`);
      }
      await db.sql`SELECT pg_reload_conf()`;
    }
    const seed = await seedScale(db.sql, { grids: opt.grids, responders: opt.cityResponders, openTickets: opt.openTickets, prefix: 'bench' });
    log(`seeded ${opt.grids} grids, ${opt.cityResponders} responders, ${opt.openTickets} open tickets in ${(seed.ms / 1000).toFixed(1)} s`);
    out.seed_s = seed.ms / 1000;

    if (opt.rawSeconds > 0) {
      log(`raw batched insert: ${opt.rawSeconds} s of 1,000-row transactions`);
      const rawInsert = await rawBatchedInsert(db.url, seed.responders.map((r) => r.id), opt.rawSeconds);
      out.raw_batched_insert_rows_per_s = rawInsert.rows_per_s;
      out.raw_insert = rawInsert;
    }
    await settleDatabase(db.sql);

    const dataDir = await mkdtemp(path.join(tmpdir(), 'gridops-bench-data-'));
    cleanup.unshift(() => rm(dataDir, { recursive: true, force: true }));
    // BENCH_PROFILE_DIR keeps the raw .cpuprofile / .heapprofile files (for DevTools) instead of deleting them.
    const profileDir = path.join(process.env.BENCH_PROFILE_DIR ?? dataDir, 'profile');
    const idleProfileDir = path.join(process.env.BENCH_PROFILE_DIR ?? dataDir, 'idle-profile');
    // Several instances share the database (and the cluster adapter), as in a scaled-out deployment; the first
    // is profiled when asked.
    const servers: ServerProc[] = [];
    for (let k = 0; k < opt.instances; k++) {
      const s = await startServer(db.url, path.join(dataDir, `i${k}`), serverEnv, (a['cpu-profile'] || a['heap-profile']) && k === 0 ? profileDir : null);
      servers.push(s);
      cleanup.unshift(() => s.stop());
      log(`server ${k + 1}/${opt.instances} ${s.url} (pid ${s.pid})${Object.keys(serverEnv).length ? ` with ${a['server-env']}` : ''}`);
    }
    const server = servers[0];
    const urls = servers.map((s) => s.url);
    const serverRss = () => servers.reduce((sum, s) => sum + (rssMb(s.pid) ?? 0), 0);

    const dashboards = new Dashboards(opt.dashboardProcs);
    cleanup.unshift(() => dashboards.stop());
    const responders = new Responders(opt.responderProcs);
    cleanup.unshift(() => responders.stop());
    const procs: Procs = { serverPids: servers.map((s) => s.pid), pgPid: await db.postmasterPid(), dashboards, responders, scrape: () => Promise.all(servers.map((s) => s.scrape())) };

    const rss0 = serverRss();
    log(`connecting ${opt.dashboards} dashboards (display token, street-office scope)`);
    let c0 = Date.now();
    const dc = await dashboards.connect(urls, seed.displayToken, opt.dashboards, 5);
    out.dashboards_connect = { ok: dc.ok, failed: dc.failed, total_s: (Date.now() - c0) / 1000, snapshot_p50_ms: quantile(dc.times, 50), snapshot_p99_ms: quantile(dc.times, 99), snapshot_bytes: dc.snapshotBytes };
    log(`  ${dc.ok} connected in ${((Date.now() - c0) / 1000).toFixed(1)} s, snapshot ${(dc.snapshotBytes / 1e6).toFixed(1)} MB, p50 ${quantile(dc.times, 50)} ms`);
    const rss1 = serverRss();

    log(`connecting ${opt.responders} responders (session cookie)`);
    c0 = Date.now();
    const rc = await responders.connect(urls, seed.responders.slice(0, opt.responders), 25, !a['phones-ignore-offers']);
    out.responders_connect = { ok: rc.ok, failed: rc.failed, total_s: (Date.now() - c0) / 1000 };
    log(`  ${rc.ok} connected in ${((Date.now() - c0) / 1000).toFixed(1)} s`);
    // What a connected socket costs the server while nothing streams: memory, and CPU for pings and timers.
    await sleep(opt.quick ? 200 : 2000);
    const idle = cpuMeter(() => servers.reduce((sum, s) => sum + cpuSeconds(s.pid), 0));
    // --cpu-profile: where that idle CPU goes, profiled on its own (it is paid under every load).
    const idleProfiling = server.inspector && a['cpu-profile'] ? await startProfile(await server.inspector, idleProfileDir) : null;
    idle.start();
    await sleep(opt.quick ? 500 : 5000);
    await idleProfiling?.stop();
    out.per_socket = {
      dashboard_rss_kb: dc.ok ? Math.round(((rss1 - rss0) * 1024) / dc.ok) : null,
      phone_rss_kb: rc.ok ? Math.round(((serverRss() - rss1) * 1024) / rc.ok) : null,
      idle_server_cpu_pct: idle.pct(), sockets: dc.ok + rc.ok,
    };
    // Again, now that the server's start-up (rollups, 10,000 sign-ins) has written its rows: otherwise autovacuum
    // took them up at a moment set by its own timer, inside some runs' measured window and not others'.
    const s0 = Date.now();
    await settleDatabase(db.sql);
    log(`database settled again after the connects in ${((Date.now() - s0) / 1000).toFixed(1)} s`);

    if (steps.length) {
      // The highest rate that keeps up and meets both latency targets is the end-to-end capacity.
      const curve = [];
      for (const rate of steps) {
        const r = await positionsPhase(db.sql, procs, { rate, jitter: opt.jitter, warmupS: opt.quick ? 1 : 4, windowS: opt.quick ? 2 : 10, log });
        const step = { rate, sustained: r.sustained, positions_per_s: r.positions_per_s, persisted_per_s: r.persisted_per_s, delivered_per_dashboard_per_s: r.delivered_per_dashboard_per_s, p50_ms: r.position_to_dashboard_p50_ms, p99_ms: r.position_to_dashboard_p99_ms, server_cpu_pct: r.server_cpu_pct, postgres_cpu_pct: r.postgres_cpu_pct, machine_cpu_pct: r.machine_cpu_pct, within_targets: false };
        step.within_targets = withinTargets([step]) === rate;
        curve.push(step);
        log(`  step ${rate}/s: ${r.positions_per_s}/s end to end, p50 ${r.position_to_dashboard_p50_ms} ms, p99 ${r.position_to_dashboard_p99_ms} ms, server CPU ${r.server_cpu_pct}%${step.within_targets ? '' : ' (outside targets)'}`);
        // Past the first miss the curve only measures queues.
        if (!step.within_targets) break;
      }
      out.capacity_steps = curve;
      out.positions_capacity_per_s = withinTargets(curve);
      await responders.rate(0);
      await sleep(opt.quick ? 1000 : 5000);
    }
    log(`positions: ${opt.rate}/s from ${opt.responders} responders${opt.jitter != null ? ` (each on its own timer ± ${opt.jitter * 100} %)` : ''} to ${opt.dashboards} dashboards, ${opt.warmupS} s warm-up + ${opt.windowS} s`);
    const profiling = server.inspector ? await startProfile(await server.inspector, profileDir, a['heap-profile']) : null;
    if (a['pg-statements']) await resetStatements(db.sql);
    const pos = await positionsPhase(db.sql, procs, { rate: opt.rate, jitter: opt.jitter, warmupS: opt.warmupS, windowS: opt.windowS, scrapeEveryS: num(a['scrape-every'], 0), log });
    await profiling?.stop();
    Object.assign(out, pos);
    if (a['pg-statements']) {
      const st = await topStatements(db.sql);
      out.pg_statements = st;
      const line = (q: (typeof st.top)[number]) => `  ${String(q.pct).padStart(5)}%  ${String(q.total_ms).padStart(6)} ms  ${String(q.calls).padStart(6)} calls  ${String(q.mean_ms).padStart(7)} ms each  ${String(q.rows).padStart(8)} rows  ${q.query.slice(0, 140)}`;
      log(`PostgreSQL execution time in the main positions phase (warm-up + window): ${st.total_ms} ms over ${st.calls} calls; the most:\n${st.top.map(line).join('\n')}`);
      const byRows = await topStatements(db.sql, 8, 'rows');
      out.pg_statements_by_rows = byRows.top;
      log(`…and the statements that returned the most rows:\n${byRows.top.map(line).join('\n')}`);
    }
    log(`  persisted ${pos.persisted_per_s}/s, delivered ${pos.delivered_per_dashboard_per_s}/s per dashboard, p50 ${pos.position_to_dashboard_p50_ms} ms, p99 ${pos.position_to_dashboard_p99_ms} ms, server CPU ${pos.server_cpu_pct}%`);

    log(`tickets: ${opt.ticketRate}/s${opt.burstCount ? ` + bursts of ${opt.burstCount} every ${opt.burstEveryS} s` : ''} for ${opt.ticketSeconds} s while ${opt.ticketPositions} positions/s stream`);
    const tk = await ticketsPhase(db.sql, procs, server.url, seed, { positionRate: opt.ticketPositions, jitter: opt.jitter, ticketRate: opt.ticketRate, burstCount: opt.burstCount, burstEveryS: opt.burstEveryS, seconds: opt.ticketSeconds, settleS: opt.quick ? 0.5 : 2, dashboards: dc.ok, log });
    out.tickets = tk;
    Object.assign(out, { ticket_to_dashboard_p50_ms: tk.ticket_to_dashboard_p50_ms, ticket_to_dashboard_p99_ms: tk.ticket_to_dashboard_p99_ms });
    log(`  201 → every dashboard p50 ${tk.ticket_to_dashboard_p50_ms} ms, p99 ${tk.ticket_to_dashboard_p99_ms} ms (${tk.tickets_created} created)`);

    await responders.close();
    await dashboards.close();
    for (const s of servers) await s.stop();
    // The server logs at warn level: anything it said under load belongs in the record.
    const said = servers.flatMap((s) => s.logTail().split('\n')).filter((l) => /"level":[456]0/.test(l));
    out.server_warnings = said.length;
    if (a['cpu-profile']) {
      const cpuProf = await summariseProfiles(profileDir);
      out.server_profile = cpuProf;
      const blocks = await summariseBlocks(profileDir);
      out.server_blocks = blocks;
      log(`server event loop busy ≥ 50 ms without a break: ${blocks.count} times, ${blocks.ms} ms in all; the longest:\n${blocks.longest.map((b) => `  ${String(b.ms).padStart(5)} ms  ${b.top}`).join('\n')}\n  inside them, by entry point:\n${blocks.entries.map((l) => `  ${String(l.pct).padStart(5)}%  ${l.fn}`).join('\n')}\n  inside them, by function:\n${blocks.functions.map((l) => `  ${String(l.pct).padStart(5)}%  ${l.fn}`).join('\n')}`);
      const idleProf = await summariseProfiles(idleProfileDir);
      out.server_idle_profile = idleProf;
      log(`server CPU profile while idle with every socket connected (self time):\n${idleProf.packages.slice(0, 8).map((l) => `  ${String(l.pct).padStart(5)}%  ${l.fn}`).join('\n')}\n${idleProf.functions.slice(0, 15).map((l) => `  ${String(l.pct).padStart(5)}%  ${l.fn}  ${l.where}`).join('\n')}`);
      log(`server CPU profile (self time, main positions phase):\n${cpuProf.packages.slice(0, 12).map((l) => `  ${String(l.pct).padStart(5)}%  ${l.fn}`).join('\n')}\n${cpuProf.functions.map((l) => `  ${String(l.pct).padStart(5)}%  ${l.fn}  ${l.where}`).join('\n')}`);
    }
    if (a['heap-profile']) {
      const heapProf = await summariseHeapProfiles(profileDir);
      out.server_heap_profile = heapProf;
      const heapLines = (ls: typeof heapProf.ours) => ls.map((l) => `  ${String(l.pct).padStart(5)}%  ${String(l.kb).padStart(7)} KB  ${l.fn}  ← ${l.caller}`).join('\n');
      log(`server heap profile (what the scavenges promoted in the main positions phase, by allocating function ← its caller):\n${heapLines(heapProf.allocators)}`);
      log(`the same, by the innermost function of ours on the stack ← the one of ours that called it:\n${heapLines(heapProf.ours.slice(0, 20))}`);
    }
    if (said.length) log(`server warnings (last 5 of ${said.length}):\n${said.slice(-5).map((l) => l.slice(0, 600)).join('\n')}`);

    if (!a['skip-raw']) {
      // The floor, at the same rate with the same phones and screens (and the profile's curve, for its capacity).
      // Above 20 reports/s per phone the generator itself is the limit: rates stop there.
      const rates = [...new Set([opt.rate, ...steps])].filter((r) => r <= opt.responders * 20).sort((x, y) => x - y);
      log(`raw pipeline: phones → plain Socket.IO (no database) → ${opt.dashboards} dashboards at ${rates.join(', ')}/s`);
      const pipe = await rawPipelinePhase({ dashboards, responders }, { dashboards: opt.dashboards, phones: seed.responders.slice(0, opt.responders), rates, mainRate: opt.rate, jitter: opt.jitter, warmupS: opt.quick ? 1 : opt.jitter != null ? 5 : 3, windowS: Math.min(opt.windowS, opt.jitter != null ? 20 : 10), log,
        store: a['raw-with-statement'] ? { url: db.url, ids: seed.responders.slice(0, opt.responders).map((r) => r.id) } : undefined });
      out.raw_pipeline = pipe;
      out.raw_pipeline_updates_per_s = pipe.raw_pipeline_updates_per_s;
      out.raw_pipeline_p50_ms = pipe.at_main_rate?.p50_ms ?? null;
      out.raw_pipeline_p99_ms = pipe.at_main_rate?.p99_ms ?? null;
      if (prof.rawBroadcast && !a['skip-raw-broadcast']) {
        log(`raw broadcast: plain Socket.IO to ${opt.dashboards} dashboards, batches every 100 ms`);
        const rawSteps = [2000, 5000, 10_000, 15_000, 20_000, 30_000, 40_000, 60_000, 80_000];
        const raw = await rawBroadcastPhase({ dashboards }, { dashboards: opt.dashboards, responders: opt.responders, steps: rawSteps, log });
        out.raw_broadcast_updates_per_s = raw.raw_broadcast_updates_per_s;
        out.raw_broadcast_steps = raw.steps;
      }
    }
    const ratio = (x: unknown, y: unknown) => (typeof x === 'number' && typeof y === 'number' && y > 0 ? Math.round((x / y) * 1000) / 1000 : null);
    // The end-to-end figure to set against the raw limit: the measured capacity when steps ran, else the main phase.
    out.ratio_positions_to_raw_broadcast = ratio(Math.max(Number(out.positions_capacity_per_s ?? 0), Number(out.positions_per_s ?? 0)), out.raw_broadcast_updates_per_s);
    out.ratio_positions_to_raw_pipeline = ratio(Math.max(Number(out.positions_capacity_per_s ?? 0), Number(out.positions_per_s ?? 0)), out.raw_pipeline_updates_per_s);
    out.ratio_persisted_to_raw_insert = ratio(out.persisted_per_s, out.raw_batched_insert_rows_per_s);
    // Per 1,000 updates taken in and stored (the work the server did); delivered counts can be lower by coalescing.
    out.server_cpu_pct_per_1000_updates_s = ratio(out.server_cpu_pct, (out.persisted_per_s as number) / 1000);
    // Per ticket: what the ticket phase cost above the main phase at the same position load (city profile).
    const during = out.tickets as Record<string, number | null> | undefined;
    if (during && opt.ticketPositions === opt.rate && during.tickets_per_s) {
      // % of a core ÷ tickets/s × 10 = ms of CPU per ticket.
      const extra = (k: string) => (typeof during[k] === 'number' && typeof out[k] === 'number' ? Math.round((((during[k] as number) - (out[k] as number)) * 10) / (during.tickets_per_s as number)) : null);
      out.per_ticket = { server_cpu_ms: extra('server_cpu_pct'), postgres_cpu_ms: extra('postgres_cpu_pct') };
    }
    out.targets = targets(out, opt);
    out.profile_targets = profileTargets(out, opt);
    out.total_s = Math.round((Date.now() - t0) / 1000);
  } finally {
    for (const f of cleanup) await f().catch((e) => log(`cleanup: ${(e as Error).message}`));
  }
  if (a.json) process.stdout.write(JSON.stringify(out) + '\n'); else printTable(out);
}

main().then(() => process.exit(0), (err) => {
  console.error('bench failed:', err?.stack ?? err);
  process.exit(1);
});
