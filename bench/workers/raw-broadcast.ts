// Bench worker: the raw limits of plain Socket.IO on this machine (no auth, no database, no adapter, no validation).
// - fan-out: position tuples broadcast to every client in batches every 100 ms, in the binary form the real server
//   sends (`rate`);
// - pipeline: phones' 'location:report' taken in, broadcast in batches every 100 ms and only then
//   acknowledged, as the real server does minus the database (`pipeline`). Its latency is the floor any Socket.IO
//   server could reach with these clients on these cores.
// - pipeline with `store`: the same, but each beat's batch is first written with the very statement the real server
//   runs (storePositions), one write at a time on the real server's beat: the floor of any server that keeps "an ack
//   means committed" and "a screen never shows a point the database did not take" on these cores, with none of the
//   real server's other work (auth, boundary, scopes, rooms, metrics, tickets, dispatch).
import http from 'node:http';
import { Server } from 'socket.io';
import { POSITION_FLUSH_MS, type PositionTuple } from '../../shared/events.ts';
import type { Ack } from '../../shared/errors.ts';
import type { PositionReport } from '../../shared/schemas.ts';
import { encodePositions } from '../../shared/positions.ts';
import { serve } from '../lib/ipc.ts';
import { connect, type Sql } from '../../server/db/connect.ts';
import { storePositions } from '../../server/locations/ingest.ts';

type Report = (r: PositionReport, ack: (res: Ack<{ accepted: true }>) => void) => void;
const server = http.createServer();
// Untyped: the bench's dashboards and phones expect the real event names, which this server only partly speaks.
const io = new Server<Record<string, Report>, Record<string, (...args: unknown[]) => void>>(server, { serveClient: false, pingInterval: 10_000, pingTimeout: 8_000 });
let timer: NodeJS.Timeout | undefined;
let next = 0;

const ACCEPTED: Ack<{ accepted: true }> = { ok: true, data: { accepted: true } };
let pipelining = false, reports = 0;
let buffer: Array<{ tuple: PositionTuple; ack: (res: Ack<{ accepted: true }>) => void }> = [];
/** With `store`: the database and the responders whose ids the reports stand for (on duty, round robin). */
let store: { sql: Sql; ids: string[] } | null = null;

io.on('connection', (socket) => {
  // Dashboards connect without a cookie and get the batches; phones (with their session cookie) only report.
  if (!socket.handshake.headers.cookie) { void socket.join('dashboards'); return; }
  // Phones wait for a snapshot before they stream (as they do with the real server).
  socket.emit('live:snapshot');
  socket.on('location:report', (r, ack) => {
    if (!pipelining || typeof ack !== 'function') return;
    // Each report stands for a distinct responder of the batch (the generator's phones report several times a
    // second at high rates; coalescing them would measure the bench's phone count rather than the pipeline).
    const id = store ? store.ids[reports++ % store.ids.length] : String(200_000 + (reports++ % 1_000_000));
    buffer.push({ tuple: [id, r.lat, r.lng, Date.parse(r.at)], ack });
  });
});

const broadcast = (packed: Uint8Array) => io.to('dashboards').emit('positions:batch', packed);

function flushPipeline() {
  const batch = buffer;
  buffer = [];
  if (batch.length === 0) return;
  broadcast(encodePositions(batch.map((p) => p.tuple)));
  for (const p of batch) p.ack(ACCEPTED);
}

/** As the real server's cycle: one write at a time, the next beat 100 ms after the previous one started. */
async function storedCycle() {
  const started = Date.now();
  const batch = buffer;
  buffer = [];
  if (batch.length > 0 && store) {
    await storePositions(store.sql, batch.map(({ tuple: [responderId, lat, lng, at] }) => ({ responderId, lat, lng, accuracy: 8, at })));
    broadcast(encodePositions(batch.map((p) => p.tuple)));
    for (const p of batch) p.ack(ACCEPTED);
  }
  if (pipelining && store) timer = setTimeout(() => void storedCycle().catch(failed), Math.max(0, started + POSITION_FLUSH_MS - Date.now()));
}
function failed(err: unknown) { console.error('raw pipeline store failed:', err); process.exit(1); }

serve({
  async listen() {
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    return (server.address() as { port: number }).port;
  },
  /** Emits perSecond/10 distinct responders' latest positions every 100 ms (0 stops). */
  rate({ perSecond, responders }: { perSecond: number; responders: number }) {
    clearInterval(timer);
    pipelining = false;
    if (perSecond <= 0) return true;
    const perBatch = Math.round((perSecond * POSITION_FLUSH_MS) / 1000);
    timer = setInterval(() => {
      const now = Date.now();
      const positions: PositionTuple[] = [];
      for (let k = 0; k < perBatch; k++) {
        const id = 100_000 + (next++ % responders);
        positions.push([String(id), 39 + (id % 1000) * 1e-4 + Math.random() * 1e-5, 117 + (id % 997) * 1e-4 + Math.random() * 1e-5, now]);
      }
      broadcast(encodePositions(positions));
    }, POSITION_FLUSH_MS);
    return true;
  },
  /** Switches to the pipeline: phones' reports in, batches out every 100 ms, then the acks; with `store`, written first. */
  async pipeline({ on, store: s }: { on: boolean; store?: { url: string; ids: string[] } }) {
    clearInterval(timer);
    clearTimeout(timer);
    pipelining = on;
    buffer = [];
    await store?.sql.end({ timeout: 1 });
    store = null;
    if (on && s) {
      store = { sql: connect(s.url, { max: 1, applicationName: 'grid-ops-bench-raw-store' }), ids: s.ids };
      timer = setTimeout(() => void storedCycle().catch(failed), POSITION_FLUSH_MS);
    } else if (on) timer = setInterval(flushPipeline, POSITION_FLUSH_MS);
    return true;
  },
  clients() { return io.engine.clientsCount; },
  async close() {
    clearInterval(timer);
    pipelining = false;
    await store?.sql.end({ timeout: 1 });
    await new Promise<void>((r) => io.close(() => r()));
    return true;
  },
});
