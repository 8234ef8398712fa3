// The Socket.IO contract: event names and payloads, imported by server, clients, tests and the bench.
import type { CategoryView, CommunityView, GridView, KpiBoard, MapConfig, OfferView, ResponderView, TicketView, TickerEvent, Me } from './api.ts';
import type { Ack } from './errors.ts';
import type { PositionReport } from './schemas.ts';
import type { SlaState } from './sla.ts';
import type { PackedSnapshot } from './snapshot-codec.ts';

/** Which slice of the street office a socket sees; decided by the server from the database. */
export type LiveScope =
  | { kind: 'street_office'; streetOfficeId: string }
  | { kind: 'grids'; streetOfficeId: string; gridIds: string[] }
  | { kind: 'responder'; streetOfficeId: string; responderId: string; gridIds: string[] };

export interface Snapshot {
  /** Position in the change stream this snapshot is consistent with. */
  seq: string;
  serverTime: string;
  scope: LiveScope;
  me: Me | null;
  streetOffice: { id: string; name: string; nameEn: string };
  map: MapConfig;
  communities: CommunityView[];
  grids: GridView[];
  categories: CategoryView[];
  tickets: TicketView[];
  responders: ResponderView[];
  offers: OfferView[];
  ticker: TickerEvent[];
  kpis: KpiBoard;
}

export type Change =
  | { seq: string; kind: 'ticket'; ticket: TicketView; event: TickerEvent | null }
  | { seq: string; kind: 'responder'; responder: ResponderView }
  | { seq: string; kind: 'offer'; offer: OfferView }
  | { seq: string; kind: 'sla'; ticketId: string; state: SlaState; at: string };

/**
 * Changes in (prev, seq] visible to this socket's scope, in stream order. `prev` is the last change
 * this scope was sent before; a client whose cursor is behind `prev` missed something and resyncs.
 */
export interface DeltaBatch { prev: string; seq: string; changes: Change[] }

/** [responderId, lat, lng, epoch ms]: one responder's latest position. */
export type PositionTuple = [string, number, number, number];
export interface PositionsBatch { positions: PositionTuple[] }
/** A PositionsBatch packed by shared/positions.ts (binary, 16 bytes a point): thousands go out every second. */
export type PackedPositions = ArrayBuffer | Uint8Array;

export interface ServerToClientEvents {
  /** The Snapshot with its big lists packed by shared/snapshot-codec.ts; decodeSnapshot() gives the Snapshot back. */
  'live:snapshot': (snapshot: PackedSnapshot) => void;
  'live:delta': (batch: DeltaBatch) => void;
  'positions:batch': (packed: PackedPositions) => void;
  'metrics:update': (kpis: KpiBoard) => void;
  'session:ended': (info: { reason: string }) => void;
}

export interface ClientToServerEvents {
  'live:resync': (ack: (res: Ack<PackedSnapshot>) => void) => void;
  'time:ping': (ack: (res: Ack<{ serverTime: string }>) => void) => void;
  'location:report': (report: PositionReport, ack: (res: Ack<{ accepted: true }>) => void) => void;
  'duty:set': (body: { onDuty: boolean }, ack: (res: Ack<ResponderView>) => void) => void;
}

export interface SocketData {
  userId: string | null;
  sessionId: string | null;
  displayTokenId: string | null;
  scope: LiveScope;
  role: Me['role'] | 'display';
}

export const LIVE_EVENTS = {
  snapshot: 'live:snapshot', delta: 'live:delta', positions: 'positions:batch', metrics: 'metrics:update',
  sessionEnded: 'session:ended', resync: 'live:resync', timePing: 'time:ping', location: 'location:report', duty: 'duty:set',
} as const satisfies Record<string, keyof ServerToClientEvents | keyof ClientToServerEvents>;

/** The interval at which positions are coalesced, persisted and broadcast. */
export const POSITION_FLUSH_MS = 100;
