// Each instance follows the change stream (LISTEN wakes it, a slow poll covers lost notifications) and
// fans changes out to its own sockets, per scope room, with the previous position so clients detect gaps.
import type { Deps } from '../http/types.ts';
import type { Change, LiveScope } from '../../shared/events.ts';
import { CHANGES_CHANNEL } from './outbox.ts';
import { liveRoom, officeBoardRooms, scopeOfRoom } from './rooms.ts';
import { sees } from '../../shared/visibility.ts';
import { BOARD_CHANGE_KINDS, freshKpiBoard, KPI_MIN_INTERVAL_MS, nextComputeAtMs } from '../metrics/board.ts';
import { wallKpiBoard } from '../../shared/metrics.ts';

interface Row { seq: string; street_office_id: string; grid_ids: string[]; responder_ids: string[]; payload: Omit<Change, 'seq'> }

const BATCH = 500;
const POLL_MS = 1000;
const READ_TIMEOUT_MS = 5000;

export interface ChangeStream { start(): Promise<void>; stop(): Promise<void> }

/** `onTickets`: the ids of tickets that changed in each delivered batch (the tracking pages follow them). */
export function createChangeStream({ sql, liveSql, io, log }: Deps, opts: { onTickets?: (ticketIds: string[]) => void } = {}): ChangeStream {
  let cursor = '0';
  let startCursor = '0';
  const roomCursor = new Map<string, string>();
  let running = false, again = false, stopped = false;
  let poll: NodeJS.Timeout | undefined;
  let unlisten: (() => Promise<void>) | undefined;
  const kpiTimers = new Map<string, NodeJS.Timeout>();
  /** Per street office, when the board may next be computed (after the last one this instance saw). */
  const kpiNextAt = new Map<string, number>();
  const kpiChangedSeq = new Map<string, bigint>();
  // Screens' live rooms (a street office, a grid scope) are few and each may see any change; a phone's room sees only
  // what concerns its responder and is found by name. Scanning every room per delivery meant ~50,000 (four per
  // phone, plus its own) with 10,000 phones connected, several times a second: 5–6 ms each.
  const screenRooms = new Map<string, LiveScope>();
  const adapter = io.of('/').adapter;
  const track = (room: string) => {
    const scope = scopeOfRoom(room);
    if (scope && scope.kind !== 'responder') screenRooms.set(room, scope);
  };
  adapter.on('create-room', track);
  adapter.on('delete-room', (room: string) => { screenRooms.delete(room); roomCursor.delete(room); });
  for (const room of adapter.rooms.keys()) track(room);

  async function pump() {
    if (stopped) return;
    if (running) { again = true; return; }
    running = true;
    try {
      do { again = false; await drain(); } while (again && !stopped);
    } catch (err) {
      log.warn({ err }, 'change stream: read failed, will retry');
    } finally {
      running = false;
    }
  }

  async function drain() {
    for (;;) {
      // A read that hangs (a connection lost mid-query) must not stop the stream: give up on it and read again.
      const rows = await Promise.race([
        liveSql<Row[]>`
          SELECT seq::text, street_office_id::text, grid_ids::text[], responder_ids::text[], payload
          FROM changes WHERE seq > ${cursor} ORDER BY seq LIMIT ${BATCH}`,
        new Promise<never>((_, reject) => setTimeout(() => reject(new Error('change stream read timed out')), READ_TIMEOUT_MS).unref()),
      ]);
      if (rows.length === 0) return;
      deliver(rows);
      cursor = rows[rows.length - 1].seq;
      if (rows.length < BATCH) return;
    }
  }

  function deliver(rows: Row[]) {
    const rooms = adapter.rooms;
    const targets = new Map(screenRooms);
    for (const r of rows) {
      for (const responderId of r.responder_ids) {
        const scope: LiveScope = { kind: 'responder', streetOfficeId: r.street_office_id, responderId, gridIds: [] };
        const room = liveRoom(scope);
        if (rooms.has(room)) targets.set(room, scope);
      }
    }
    for (const [room, scope] of targets) {
      const changes: Change[] = [];
      for (const r of rows) {
        if (sees(scope, { streetOfficeId: r.street_office_id, gridIds: r.grid_ids, responderIds: r.responder_ids })) {
          changes.push({ ...r.payload, seq: r.seq } as Change);
        }
      }
      if (changes.length === 0) continue;
      const seq = changes[changes.length - 1].seq;
      io.local.to(room).emit('live:delta', { prev: roomCursor.get(room) ?? startCursor, seq, changes });
      roomCursor.set(room, seq);
    }
    if (opts.onTickets) {
      const ids = new Set(rows.flatMap((r) => { const c = r.payload as Change; return c.kind === 'ticket' ? [c.ticket.id] : []; }));
      if (ids.size) opts.onTickets([...ids]);
    }
    const moved = new Map<string, bigint>();
    for (const r of rows) if (BOARD_CHANGE_KINDS.includes(r.payload.kind)) moved.set(r.street_office_id, BigInt(r.seq));
    for (const [so, seq] of moved) scheduleKpis(so, seq);
  }

  /**
   * KPI figures follow ticket changes: a board computed after the change (by this instance or another), at most once
   * a second per street office, less often when the board is costly (server/metrics/board.ts).
   */
  function scheduleKpis(streetOfficeId: string, seq: bigint) {
    // The last change seen: a board computed before it (by another instance) is not taken.
    kpiChangedSeq.set(streetOfficeId, seq);
    if (kpiTimers.has(streetOfficeId) || stopped) return;
    const wait = Math.max(KPI_MIN_INTERVAL_MS, (kpiNextAt.get(streetOfficeId) ?? 0) - Date.now());
    kpiTimers.set(streetOfficeId, setTimeout(async () => {
      kpiTimers.delete(streetOfficeId);
      try {
        const b = await freshKpiBoard(sql, streetOfficeId, { minSeq: kpiChangedSeq.get(streetOfficeId), maxAgeMs: Infinity });
        kpiNextAt.set(streetOfficeId, nextComputeAtMs(b));
        const wall = wallKpiBoard(b.board);
        for (const room of officeBoardRooms(screenRooms.keys(), streetOfficeId)) io.local.to(room).emit('metrics:update', wall);
      } catch (err) {
        log.warn({ err }, 'kpi refresh failed');
      }
    }, wait));
  }

  return {
    async start() {
      const [{ seq }] = await sql<{ seq: string }[]>`SELECT coalesce(max(seq), 0)::text AS seq FROM changes`;
      cursor = startCursor = seq;
      // onlisten runs on every (re)connection of the listening connection: catch up on what was missed.
      const sub = await sql.listen(CHANGES_CHANNEL, () => { void pump(); }, () => { void pump(); });
      unlisten = sub.unlisten;
      poll = setInterval(() => void pump(), POLL_MS);
    },
    async stop() {
      stopped = true;
      clearInterval(poll);
      for (const t of kpiTimers.values()) clearTimeout(t);
      await unlisten?.().catch(() => {});
    },
  };
}
