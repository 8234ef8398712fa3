// npm run bench:hostile — does a normal client keep its latency while another floods? The real server (its own
// process) serves the demo street office; a hostile worker process floods it with garbage socket messages, resync
// storms, password guesses and bad bodies, while this process acts as a normal wall and duty officer: socket ping
// round trips, ticket 201 → wall delta, a correct sign-in. Quiet and flood windows alternate; each line is one window.
// Options: --rounds N (3), --seconds S per window (15), --sockets N flooding sockets (20), --rate msgs/s (2000),
// --http req/s (200), --json.
import { io, type Socket } from 'socket.io-client';
import { CLIENT_EVENTS, type ClientToServerEvents, type ServerToClientEvents } from '../shared/events.ts';
import { createDisplayToken } from '../server/auth/sessions.ts';
import { seedDemoIfEmpty } from '../server/demo/seed.ts';
import { DEMO_PASSWORD } from '../server/demo/data.ts';
import { quantile } from './lib/hist.ts';
import { spawnWorker } from './lib/ipc.ts';
import { startBenchDb } from './lib/pg.ts';
import { cpuMeter, cpuSeconds } from './lib/proc.ts';
import { startServer } from './lib/server.ts';

const arg = (name: string, dflt: number) => { const i = process.argv.indexOf(`--${name}`); return i > 0 ? Number(process.argv[i + 1]) : dflt; };
const ROUNDS = arg('rounds', 3), SECONDS = arg('seconds', 15), SOCKETS = arg('sockets', 20), RATE = arg('rate', 2000), HTTP = arg('http', 200);
const json = process.argv.includes('--json');
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface Window { phase: 'quiet' | 'flood'; ping: number[]; ticket: number[]; login: number[]; serverCpu: number; flood?: unknown }

const db = await startBenchDb();
let srv: Awaited<ReturnType<typeof startServer>> | null = null;
const flooder = spawnWorker(new URL('./workers/flooder.ts', import.meta.url).pathname);
try {
  await seedDemoIfEmpty(db.sql, { historyDays: 0 });
  await db.sql`UPDATE grids SET auto_dispatch = false`;
  const [so] = await db.sql<{ id: string }[]>`SELECT id FROM street_offices ORDER BY id LIMIT 1`;
  const displayToken = await createDisplayToken(db.sql, so.id, 'bench wall');
  // The flooder has a wall link of its own (a leaked or buggy screen's), not the normal wall's.
  const floodToken = await createDisplayToken(db.sql, so.id, 'flooding screen');
  // The flooder speaks as another client (X-Forwarded-For through a trusted loopback proxy), as an attacker would be:
  // otherwise its wrong guesses would block the sign-in limit of the address this normal client shares with it.
  // With the product's connection limits (the other benches lift them: their thousands of clients share one address).
  srv = await startServer(db.url, db.dataDir, {
    NODE_ENV: 'test', TRUSTED_PROXIES: 'loopback',
    MAX_SOCKETS_PER_DISPLAY: '20', MAX_SOCKETS_PER_ADDRESS: '1000', LIVE_CONNECTS_PER_MINUTE: '120', LIVE_CONNECTS_PER_ADDRESS_PER_MINUTE: '1200',
  });
  const base = srv.url;
  const login = async () => {
    const t0 = performance.now();
    const res = await fetch(`${base}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'duty', password: DEMO_PASSWORD }) });
    await res.arrayBuffer();
    return { ms: performance.now() - t0, ok: res.status === 200, cookie: res.headers.getSetCookie()[0]?.split(';')[0] ?? '' };
  };
  const { cookie } = await login();
  const wall: Socket<ServerToClientEvents, ClientToServerEvents> = io(base, { transports: ['websocket'], auth: { displayToken } });
  await new Promise((r) => wall.once('live:snapshot', r));
  // The normal wall must stay connected throughout: if the flood gets it cut off, that is the finding.
  const wallCut: string[] = [];
  wall.on('disconnect', (reason) => wallCut.push(`${new Date().toISOString()} ${reason}`));
  // It pings as often as the contract lets one socket (faster, it would be the one refused and cut off).
  const PING_EVERY_MS = 1000 / CLIENT_EVENTS['time:ping'].rate.perS;
  const arrived = new Map<string, number>();
  wall.on('live:delta', (b) => { for (const c of b.changes) if (c.kind === 'ticket' && c.event?.action === 'report') arrived.set(c.ticket.id, performance.now()); });
  const [g] = await db.sql<{ lat: number; lng: number }[]>`SELECT label_lat AS lat, label_lng AS lng FROM grids ORDER BY id LIMIT 1`;

  async function measure(phase: Window['phase']): Promise<Window> {
    const w: Window = { phase, ping: [], ticket: [], login: [], serverCpu: 0 };
    const cpu = cpuMeter(() => cpuSeconds(srv!.pid));
    cpu.start();
    const end = Date.now() + SECONDS * 1000;
    const pings = (async () => {
      while (Date.now() < end) {
        const t0 = performance.now();
        const r = await wall.timeout(5000).emitWithAck('time:ping').catch(() => null);
        if (r?.ok) w.ping.push(performance.now() - t0);
        await sleep(Math.max(0, PING_EVERY_MS - (performance.now() - t0)));
      }
    })();
    const tickets = (async () => {
      while (Date.now() < end) {
        const res = await fetch(`${base}/api/tickets`, { method: 'POST', headers: { 'content-type': 'application/json', cookie }, body: JSON.stringify({ category: 'clutter', channel: 'hotline', description: '楼道堆物', lat: g.lat, lng: g.lng }) });
        const done = performance.now();
        const t = (await res.json()) as { id?: string };
        if (res.status === 201 && t.id) {
          for (let i = 0; i < 100 && !arrived.has(t.id); i++) await sleep(10);
          const at = arrived.get(t.id);
          if (at) w.ticket.push(Math.max(0, at - done));
        }
        await sleep(400);
      }
    })();
    const logins = (async () => {
      while (Date.now() < end) { const l = await login(); if (l.ok) w.login.push(l.ms); await sleep(1000); }
    })();
    await Promise.all([pings, tickets, logins]);
    w.serverCpu = cpu.pct();
    return w;
  }

  const windows: Window[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    windows.push(await measure('quiet'));
    await flooder.call('start', { url: base, displayToken: floodToken, sockets: SOCKETS, socketRate: RATE, httpRate: HTTP });
    const w = await measure('flood');
    w.flood = await flooder.call('stop');
    windows.push(w);
    await sleep(1000);
  }
  wall.off('disconnect');
  wall.close();

  const f = (x: number | null) => (x === null ? '—' : x.toFixed(1));
  const rows = windows.map((w) => ({
    phase: w.phase, ping_p50: quantile(w.ping, 50), ping_p99: quantile(w.ping, 99), ticket_p50: quantile(w.ticket, 50), ticket_p99: quantile(w.ticket, 99),
    login_p50: quantile(w.login, 50), login_max: quantile(w.login, 100), samples: `${w.ping.length}/${w.ticket.length}/${w.login.length}`, server_cpu_pct: Math.round(w.serverCpu), flood: w.flood,
  }));
  if (json) console.log(JSON.stringify({ rounds: ROUNDS, seconds: SECONDS, sockets: SOCKETS, rate: RATE, http: HTTP, rows, wallCut }));
  else {
    console.log(`\nA normal wall and duty officer while another client floods (${SOCKETS} sockets at ${RATE} msgs/s, ${HTTP} HTTP req/s of guesses and bad bodies); ${SECONDS} s windows\n`);
    console.log('| window | ping p50 / p99 ms | ticket 201 → wall p50 / p99 ms | correct sign-in p50 / max ms | samples (ping/ticket/login) | server CPU % |');
    console.log('|---|---|---|---|---|---|');
    for (const r of rows) console.log(`| ${r.phase} | ${f(r.ping_p50)} / ${f(r.ping_p99)} | ${f(r.ticket_p50)} / ${f(r.ticket_p99)} | ${f(r.login_p50)} / ${f(r.login_max)} | ${r.samples} | ${r.server_cpu_pct} |`);
    for (const r of rows.filter((x) => x.flood)) console.log(`\nflood answered: ${JSON.stringify(r.flood)}`);
    console.log(wallCut.length ? `\nTHE NORMAL WALL WAS DISCONNECTED: ${wallCut.join('; ')}` : '\nThe normal wall stayed connected throughout.');
  }
} finally {
  await flooder.stop().catch(() => {});
  await srv?.stop().catch(() => {});
  await db.stop();
}
