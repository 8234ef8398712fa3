// Bench worker: N dashboard sockets (real socket.io-client) recording position latency, deliveries per socket,
// ticket arrival times and delta-chain gaps. The same code listens to the real server and to the raw baseline.
import { io, type Socket } from 'socket.io-client';
import type { ClientToServerEvents, ServerToClientEvents } from '../../shared/events.ts';
import { decodePositions } from '../../shared/positions.ts';
import { Hist } from '../lib/hist.ts';
import { serve } from '../lib/ipc.ts';
import { monitorEventLoopDelay } from 'node:perf_hooks';

/** This generator's own stalls (GC, a burst of sockets): a point it sends or receives late is measured as latency. */
const loopDelay = monitorEventLoopDelay({ resolution: 10 });
loopDelay.enable();

type Client = Socket<ServerToClientEvents, ClientToServerEvents>;
interface Dash { socket: Client; received: number; lastSeq: bigint | null }

let dashes: Dash[] = [];
const lat = new Hist();
/** Ticket id → how many of this worker's dashboards have it and when the last one got it (epoch ms). */
let tickets = new Map<string, { n: number; last: number }>();
let gaps = 0, disconnects = 0, reconnectSnapshots = 0;
let recordSince = Date.now();
/** Per second of the window (by arrival): points, points over SLOW_MS, the slowest — where in time the tail sits. */
const SLOW_MS = 250;
let seconds: Array<[number, number, number]> = [];
/** One screen's traffic by event (its first dashboard only): messages and bytes, to set beside the raw pipeline's. */
let traffic: Record<string, { n: number; bytes: number }> = {};
const sizeOf = (v: unknown): number => (v instanceof ArrayBuffer || ArrayBuffer.isView(v) ? v.byteLength : JSON.stringify(v)?.length ?? 0);

function attach(d: Dash) {
  if (dashes.length === 0) {
    d.socket.onAny((event: string, ...args: unknown[]) => {
      const t = (traffic[event] ??= { n: 0, bytes: 0 });
      t.n++;
      t.bytes += args.reduce<number>((sum, a) => sum + sizeOf(a), 0);
    });
  }
  d.socket.on('positions:batch', (packed) => {
    const now = Date.now();
    // Unpacked in full, as a screen does.
    const positions = decodePositions(packed);
    d.received += positions.length;
    // One receive time for the whole batch: the tuples were all in the same frame.
    const sec = Math.floor((now - recordSince) / 1000);
    const row = (seconds[sec] ??= [0, 0, 0]);
    for (const p of positions) {
      const ms = now - p[3];
      lat.add(ms);
      row[0]++;
      if (ms > SLOW_MS) row[1]++;
      if (ms > row[2]) row[2] = ms;
    }
  });
  d.socket.on('live:delta', (batch) => {
    const now = Date.now();
    // The server's contract: a cursor behind `prev` means a delta was missed.
    if (d.lastSeq !== null && d.lastSeq < BigInt(batch.prev)) gaps++;
    d.lastSeq = BigInt(batch.seq);
    for (const c of batch.changes) {
      if (c.kind !== 'ticket' || c.event?.action !== 'report') continue;
      const t = tickets.get(c.ticket.id) ?? { n: 0, last: 0 };
      t.n++;
      t.last = Math.max(t.last, now);
      tickets.set(c.ticket.id, t);
    }
  });
  d.socket.on('disconnect', () => { disconnects++; });
}

function connectOne(url: string, displayToken: string | null): Promise<{ d: Dash; ms: number; bytes: number } | null> {
  const t0 = Date.now();
  const socket: Client = io(url, { transports: ['websocket'], auth: displayToken ? { displayToken } : {}, reconnectionDelayMax: 5000, timeout: 60_000 });
  const d: Dash = { socket, received: 0, lastSeq: null };
  return new Promise((resolve) => {
    const fail = setTimeout(() => { socket.close(); resolve(null); }, 120_000);
    let first = true;
    const ready = (bytes: number) => { clearTimeout(fail); attach(d); resolve({ d, ms: Date.now() - t0, bytes }); };
    socket.on('connect_error', () => { /* socket.io retries by itself until the timeout above */ });
    if (!displayToken) { socket.once('connect', () => ready(0)); return; }
    socket.on('live:snapshot', (s) => {
      d.lastSeq = BigInt(s.seq);
      if (first) { first = false; ready(dashes.length === 0 ? JSON.stringify(s).length : 0); } else reconnectSnapshots++;
    });
  });
}

serve({
  /** Connects `count` sockets, `concurrency` at a time; answers with the time each took to its snapshot. */
  async connect({ url, displayToken, count, concurrency }: { url: string; displayToken: string | null; count: number; concurrency: number }) {
    const times: number[] = [];
    let failed = 0, bytes = 0, next = 0;
    await Promise.all(Array.from({ length: Math.min(concurrency, count) }, async () => {
      while (next < count) {
        next++;
        const r = await connectOne(url, displayToken);
        if (!r) { failed++; continue; }
        dashes.push(r.d);
        times.push(r.ms);
        bytes ||= r.bytes;
      }
    }));
    return { ok: times.length, failed, times, snapshotBytes: bytes };
  },
  record() {
    loopDelay.reset();
    lat.reset();
    tickets = new Map();
    gaps = 0; disconnects = 0; reconnectSnapshots = 0;
    for (const d of dashes) d.received = 0;
    seconds = [];
    traffic = {};
    recordSince = Date.now();
    return true;
  },
  report() {
    return {
      ms: Date.now() - recordSince, perDashboard: dashes.map((d) => d.received), latency: lat.toJSON(),
      tickets: [...tickets].map(([id, t]) => [id, t.n, t.last]), gaps, disconnects, reconnectSnapshots,
      seconds: Array.from(seconds, (r) => r ?? [0, 0, 0]), loopMaxMs: loopDelay.max / 1e6,
      connected: dashes.filter((d) => d.socket.connected).length, traffic,
    };
  },
  close() {
    for (const d of dashes) d.socket.close();
    dashes = [];
    return true;
  },
});
