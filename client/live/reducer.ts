// Pure snapshot/delta/position logic of the live store: works on plain Maps, so the store's live tables or a test Map both fit.
import type { CategoryView, CommunityView, GridView, WallKpiBoard, MapConfig, OfferView, ResponderView, TicketView, TickerEvent } from '../../shared/api.ts';
import type { Change, DeltaBatch, LiveScope, PositionsBatch, PositionTuple, Snapshot } from '../../shared/events.ts';
import type { SlaState } from '../../shared/sla.ts';
import { LIVE_STATUSES } from '../../shared/tickets.ts';

/** Keyed tables that deltas mutate in place. */
export interface LiveTables {
  tickets: Map<string, TicketView>;
  responders: Map<string, ResponderView>;
  offers: Map<string, OfferView>;
  /** Last SLA state the server announced per ticket (screens compute it themselves; kept for reference). */
  sla: Map<string, SlaState>;
  /** Latest known position per on-duty responder; kept apart from `responders` so a position flood touches no reactive state. */
  positions: Map<string, PositionTuple>;
}

/** Where this client is in the change stream. */
export interface SyncState {
  /** Null until the first snapshot: deltas before it are meaningless. */
  cursor: bigint | null;
  /** True while a resync request is in flight; deltas are held back meanwhile. */
  resyncing: boolean;
  /**
   * True from each (re)connection until its snapshot: deltas are held back meanwhile. The server's read may have begun
   * before a change that reaches us first (a new room's first batch carries no usable `prev`), and applying the
   * change before that older snapshot would let the snapshot wipe it with nothing left to replay.
   */
  awaitingSnapshot: boolean;
  held: DeltaBatch[];
}

/** The parts of a snapshot replaced wholesale (small or rarely changing). */
export interface SnapshotMeta {
  scope: LiveScope;
  streetOffice: Snapshot['streetOffice'];
  map: MapConfig;
  communities: CommunityView[];
  grids: GridView[];
  categories: CategoryView[];
  kpis: WallKpiBoard;
}

export const TICKER_MAX = 50;

export function newSyncState(): SyncState {
  return { cursor: null, resyncing: false, awaitingSnapshot: true, held: [] };
}

export function isLiveTicket(t: TicketView): boolean {
  return LIVE_STATUSES.includes(t.status);
}

/** Replaces every table from a snapshot and moves the cursor to its seq. */
export function applySnapshot(tables: LiveTables, sync: SyncState, snap: Snapshot): SnapshotMeta {
  tables.tickets.clear();
  for (const t of snap.tickets) if (isLiveTicket(t)) tables.tickets.set(t.id, t);
  tables.responders.clear();
  tables.positions.clear();
  for (const r of snap.responders) upsertResponder(tables, r);
  tables.offers.clear();
  for (const o of snap.offers) tables.offers.set(o.id, o);
  tables.sla.clear();
  sync.cursor = BigInt(snap.seq);
  sync.resyncing = false;
  sync.awaitingSnapshot = false;
  // Held batches older than the snapshot are already in it; newer ones are replayed by the caller.
  return {
    scope: snap.scope, streetOffice: snap.streetOffice, map: snap.map, communities: snap.communities,
    grids: snap.grids, categories: snap.categories, kpis: snap.kpis,
  };
}

export type DeltaOutcome =
  | { kind: 'held' }
  | { kind: 'gap' }
  | { kind: 'applied'; applied: Change[] };

/**
 * Handles one delta batch. A batch whose `prev` is past our cursor means we missed changes: the caller must
 * resync (and the batch is held until the fresh snapshot arrives). Changes at or before the cursor are skipped.
 * Batches before the first snapshot are held too: the server may send changes committed after the snapshot's read
 * while it is still on its way, and dropping them would cost a resync (a second full snapshot) right after loading.
 */
export function receiveDelta(tables: LiveTables, sync: SyncState, batch: DeltaBatch): DeltaOutcome {
  if (sync.cursor === null || sync.resyncing || sync.awaitingSnapshot) { sync.held.push(batch); return { kind: 'held' }; }
  if (BigInt(batch.prev) > sync.cursor) {
    sync.resyncing = true;
    sync.held.push(batch);
    return { kind: 'gap' };
  }
  const applied: Change[] = [];
  for (const change of batch.changes) {
    const seq = BigInt(change.seq);
    if (seq <= sync.cursor) continue;
    applyChange(tables, change);
    sync.cursor = seq;
    applied.push(change);
  }
  const batchSeq = BigInt(batch.seq);
  if (batchSeq > sync.cursor) sync.cursor = batchSeq;
  return { kind: 'applied', applied };
}

/** After a resync snapshot: replays held batches that are newer than it, in order. */
export function replayHeld(tables: LiveTables, sync: SyncState): Change[] {
  const held = sync.held.sort((a, b) => (BigInt(a.seq) < BigInt(b.seq) ? -1 : 1));
  sync.held = [];
  const applied: Change[] = [];
  for (let i = 0; i < held.length; i++) {
    const batch = held[i];
    if (sync.cursor !== null && BigInt(batch.seq) <= sync.cursor) continue;
    const out = receiveDelta(tables, sync, batch);
    if (out.kind === 'applied') applied.push(...out.applied);
    if (out.kind === 'gap') {
      // Still a hole: keep the rest for after the next snapshot; the caller sees `sync.resyncing` and asks again.
      sync.held.push(...held.slice(i + 1));
      break;
    }
  }
  return applied;
}

/** A new connection: its snapshot is on the way, and what arrives before it waits for it (see `awaitingSnapshot`). */
export function reconnected(sync: SyncState): void {
  sync.awaitingSnapshot = true;
}

/** The resync request failed: stop holding so the next batch can trigger another try (unless a snapshot is due anyway). */
export function abandonResync(sync: SyncState): void {
  sync.resyncing = false;
  if (!sync.awaitingSnapshot) sync.held = [];
}

export function applyChange(tables: LiveTables, change: Change): void {
  switch (change.kind) {
    case 'ticket':
      if (isLiveTicket(change.ticket)) tables.tickets.set(change.ticket.id, change.ticket);
      else { tables.tickets.delete(change.ticket.id); tables.sla.delete(change.ticket.id); }
      break;
    case 'responder':
      upsertResponder(tables, change.responder);
      break;
    case 'offer':
      tables.offers.set(change.offer.id, change.offer);
      break;
    case 'sla':
      if (tables.tickets.has(change.ticketId)) tables.sla.set(change.ticketId, change.state);
      break;
  }
}

function upsertResponder(tables: LiveTables, r: ResponderView): void {
  if (r.dutyStatus === 'off_duty') {
    tables.responders.delete(r.id);
    tables.positions.delete(r.id);
    return;
  }
  tables.responders.set(r.id, r);
  if (r.lat != null && r.lng != null && r.positionAt) {
    const at = Date.parse(r.positionAt);
    const known = tables.positions.get(r.id);
    if (!known || known[3] < at) tables.positions.set(r.id, [r.id, r.lat, r.lng, at]);
  }
}

/** Applies a position batch (latest timestamp wins); returns the ids whose position moved. */
export function applyPositions(tables: LiveTables, batch: PositionsBatch): string[] {
  const moved: string[] = [];
  for (const p of batch.positions) {
    const id = p[0];
    // Positions of responders we do not list (off duty, or outside this scope) are not shown.
    if (!tables.responders.has(id)) continue;
    const known = tables.positions.get(id);
    if (known && known[3] >= p[3]) continue;
    tables.positions.set(id, p);
    moved.push(id);
  }
  return moved;
}

/** Newest first, no duplicates (same ticket, action and time), at most `max` lines. */
export function mergeTicker(current: readonly TickerEvent[], incoming: readonly TickerEvent[], max = TICKER_MAX): TickerEvent[] {
  if (incoming.length === 0) return current as TickerEvent[];
  const seen = new Set<string>();
  const key = (e: TickerEvent) => `${e.ticketId}|${e.action}|${e.at}`;
  const all = [...incoming, ...current].filter((e) => {
    const k = key(e);
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
  all.sort((a, b) => Date.parse(b.at) - Date.parse(a.at));
  return all.slice(0, max);
}

/** Ticker lines carried by applied ticket changes. */
export function tickerEvents(changes: readonly Change[]): TickerEvent[] {
  const out: TickerEvent[] = [];
  for (const c of changes) if (c.kind === 'ticket' && c.event) out.push(c.event);
  return out;
}
