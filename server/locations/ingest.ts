// Position intake: points from phones are buffered, written every 100 ms in one transaction (history rows plus
// latest per responder), acknowledged only once stored, and broadcast coalesced to the scopes that may see them.
import type { Deps } from '../http/types.ts';
import type { Sql } from '../db/connect.ts';
import { AppError, type Ack } from '../../shared/errors.ts';
import { POSITION_FLUSH_MS, type PositionTuple } from '../../shared/events.ts';
import { POSITION_MAX_AGE_S, POSITION_MAX_FUTURE_S, type PositionReport } from '../../shared/schemas.ts';
import { encodePositions } from '../../shared/positions.ts';
import { positionsGridRoom, positionsOfficeRoom } from '../live/rooms.ts';
import { slowReaders } from '../live/backpressure.ts';
import { emitInOneWrite } from '../live/one-write.ts';

/** receivedAt: this server's clock (epoch ms) when the point came in; `at` is the phone's. */
interface Point { responderId: string; lat: number; lng: number; accuracy: number; at: number; receivedAt: number; ack?: (res: Ack<{ accepted: true }>) => void }
export interface Route { id: string; street_office_id: string; grid_ids: string[] }
export type StoredPoint = Pick<Point, 'responderId' | 'lat' | 'lng' | 'accuracy' | 'at'>;

/** A position write slower than this is logged (warn). */
const SLOW_WRITE_S = 0.25;
/** Past this many buffered points new ones are refused, so a stalled database cannot exhaust memory. */
const MAX_BUFFER = 50_000;
const ACCEPTED: Ack<{ accepted: true }> = { ok: true, data: { accepted: true } };
const OFF_DUTY: Ack<{ accepted: true }> = { ok: false, error: { code: 'forbidden', message: 'positions are only accepted while on duty' } };

export interface PositionIngest {
  report(responderId: string, r: PositionReport, ack?: Point['ack']): void;
  flush(): Promise<void>;
  start(): void;
  stop(): Promise<void>;
}

/** The report's time as epoch ms, refused when in the future or too old to be a live position. */
export function checkPositionTime(at: string, nowMs = Date.now()): number {
  const t = Date.parse(at);
  if (t > nowMs + POSITION_MAX_FUTURE_S * 1000) throw new AppError('bad_request', 'at: position time is in the future', 'at');
  if (t < nowMs - POSITION_MAX_AGE_S * 1000) throw new AppError('bad_request', `at: position is older than ${POSITION_MAX_AGE_S} s`, 'at');
  return t;
}

/**
 * Stores a batch in one statement, one round trip, atomically: which of these responders are on duty (and which
 * rooms see them), their points into the history, each one's latest into latest_positions. Off-duty responders'
 * points are dropped; the routes returned name the responders whose points were stored.
 */
export function storePositions(sql: Sql, batch: readonly StoredPoint[]) {
  const n = batch.length;
  const ids = new Array<string>(n), ms = new Array<number>(n), lat = new Array<number>(n), lng = new Array<number>(n), acc = new Array<number>(n);
  batch.forEach((p, i) => { ids[i] = p.responderId; ms[i] = p.at; lat[i] = p.lat; lng[i] = p.lng; acc[i] = p.accuracy; });
  return sql<Route[]>`
    WITH u AS (
      SELECT * FROM unnest(${ids}::bigint[], ${ms}::float8[], ${lat}::float8[], ${lng}::float8[], ${acc}::real[]) AS u(id, ms, lat, lng, acc)
    ), r AS (
      SELECT r.id, r.street_office_id, ARRAY(SELECT grid_id::text FROM responder_grids g WHERE g.responder_id = r.id) AS grid_ids
      -- = ANY of the array, not IN (SELECT … FROM u): over the CTE the planner hash-joined a sequential scan of every
      -- responder (10,000 rows at city scale: a third of a 200-point flush's time); this is one index probe a point.
      FROM responders r WHERE r.id = ANY(${ids}::bigint[]) AND r.duty_status <> 'off_duty'
    ), history AS (
      INSERT INTO positions (responder_id, at, lat, lng, accuracy)
      SELECT u.id, to_timestamp(u.ms / 1000), u.lat, u.lng, u.acc FROM u JOIN r ON r.id = u.id
    ), latest AS (
      INSERT INTO latest_positions (responder_id, at, lat, lng, accuracy)
      SELECT DISTINCT ON (u.id) u.id, to_timestamp(u.ms / 1000), u.lat, u.lng, u.acc FROM u JOIN r ON r.id = u.id ORDER BY u.id, u.ms DESC
      ON CONFLICT (responder_id) DO UPDATE SET at = EXCLUDED.at, lat = EXCLUDED.lat, lng = EXCLUDED.lng, accuracy = EXCLUDED.accuracy
      WHERE latest_positions.at <= EXCLUDED.at
    )
    SELECT r.id::text, r.street_office_id::text, r.grid_ids FROM r`;
}

export function createPositionIngest({ liveSql, io, log, clustered, metrics }: Deps): PositionIngest {
  let buffer: Point[] = [];
  let timer: NodeJS.Timeout | undefined;
  let flushing: Promise<void> | null = null;

  async function write(batch: Point[]) {
    const latest = new Map<string, Point>();
    for (const p of batch) {
      const cur = latest.get(p.responderId);
      if (!cur || cur.at <= p.at) latest.set(p.responderId, p);
    }
    const stopTimer = metrics.positionFlushSeconds.startTimer();
    const routes = await storePositions(liveSql, batch);
    const seconds = stopTimer();
    // A write that holds every point of its beat (and the next beat's behind it) for a quarter second is worth a line:
    // the histogram says how often, this says when (to set beside the database's own log).
    if (seconds > SLOW_WRITE_S) log.warn({ ms: Math.round(seconds * 1000), points: batch.length }, 'slow position write');
    metrics.positionFlushPoints.observe(batch.length);
    // Screens first (a few hundred writes), then the phones' acks (one per point): both are committed already, and
    // the screens are what the latency target is about.
    broadcast([...latest.values()], routes);
    const onDuty = new Set(routes.map((r) => r.id));
    const sent = Date.now();
    let stored = 0;
    for (const p of batch) {
      const ok = onDuty.has(p.responderId);
      if (ok) { stored++; metrics.positionDelaySeconds.observe((sent - p.receivedAt) / 1000); }
      p.ack?.(ok ? ACCEPTED : OFF_DUTY);
    }
    metrics.positionsStored.inc(stored);
    if (stored < batch.length) metrics.positionsRefused.inc({ reason: 'off_duty' }, batch.length - stored);
  }

  function broadcast(points: Point[], routes: Route[]) {
    const byRoom = new Map<string, PositionTuple[]>();
    const add = (room: string, t: PositionTuple) => { (byRoom.get(room) ?? byRoom.set(room, []).get(room)!).push(t); };
    const route = new Map(routes.map((r) => [r.id, r]));
    for (const p of points) {
      const r = route.get(p.responderId);
      if (!r) continue;
      const tuple: PositionTuple = [p.responderId, p.lat, p.lng, p.at];
      add(positionsOfficeRoom(r.street_office_id), tuple);
      for (const g of r.grid_ids) add(positionsGridRoom(g), tuple);
    }
    // Packed once per room. This instance's sockets at once; other instances, if any, get one relay message per flush
    // (one adapter broadcast per room meant a NOTIFY round trip per grid, ~1,000 every 100 ms at city scale).
    // Rooms nobody here has joined are packed only when another instance is alive to relay them to.
    const rooms = io.of('/').adapter.rooms;
    const local = () => [...byRoom].filter(([room]) => rooms.has(room)).map(([room, ps]): [string, Uint8Array] => [room, encodePositions(ps)]);
    if (!clustered) { emitLocal(local()); return; }
    void io.of('/').adapter.serverCount().then((n) => {
      if (n <= 1) { emitLocal(local()); return; }
      const packed = [...byRoom].map(([room, ps]): [string, Uint8Array] => [room, encodePositions(ps)]);
      emitLocal(packed);
      io.serverSideEmit('positions:relay', packed);
    }).catch((err) => log.warn({ err }, 'position relay to other instances failed'));
  }

  /** Local sockets only, only rooms with members here, and not to sockets still sending earlier batches. */
  function emitLocal(packed: Array<[string, Uint8Array]>) {
    const rooms = io.of('/').adapter.rooms;
    const here = packed.filter(([room]) => rooms.has(room));
    const slow = new Set(slowReaders(io, here.map(([room]) => room)));
    for (const [room, data] of here) emitInOneWrite(io, room, slow, 'positions:batch', data);
  }
  io.on('positions:relay', (packed) => emitLocal(packed));

  /** Writes what is buffered, after any write in progress: one write at a time keeps acks in order. */
  async function flush(): Promise<void> {
    while (flushing) await flushing;
    if (buffer.length === 0) return;
    const batch = buffer;
    buffer = [];
    flushing = write(batch)
      .catch((err) => {
        log.warn({ err, points: batch.length }, 'position batch not stored');
        metrics.positionsRefused.inc({ reason: 'database' }, batch.length);
        for (const p of batch) p.ack?.({ ok: false, error: { code: 'unavailable', message: 'position not stored, send it again' } });
      })
      .finally(() => { flushing = null; });
    await flushing;
  }

  // Every 100 ms from the start of the previous flush; a flush that overruns is followed at once by the next rather
  // than skipping a beat (a skipped beat doubled the wait of every point that arrived meanwhile).
  let running = false;
  async function cycle() {
    const started = Date.now();
    await flush();
    if (running) timer = setTimeout(() => void cycle(), Math.max(0, started + POSITION_FLUSH_MS - Date.now()));
  }

  return {
    report(responderId, r, ack) {
      if (buffer.length >= MAX_BUFFER) {
        metrics.positionsRefused.inc({ reason: 'busy' });
        ack?.({ ok: false, error: { code: 'unavailable', message: 'server busy, send it again' } });
        return;
      }
      const at = checkPositionTime(r.at);
      buffer.push({ responderId, lat: r.lat, lng: r.lng, accuracy: r.accuracy, at, receivedAt: Date.now(), ack });
    },
    flush,
    start() {
      if (running) return;
      running = true;
      timer = setTimeout(() => void cycle(), POSITION_FLUSH_MS);
    },
    async stop() { running = false; clearTimeout(timer); await flush(); },
  };
}
