// The Socket.IO contract: event names and payloads, imported by server, clients, tests and the bench.
import type { CategoryView, CommunityView, GridView, MapConfig, OfferView, ResponderView, TicketView, TickerEvent, Me, WallKpiBoard } from './api.ts';
import type { Ack } from './errors.ts';
import type { z } from 'zod';
import { ROLES, type Role } from './domain.ts';
import { dutyBody, positionReport } from './schemas.ts';
import type { SlaState } from './sla.ts';
import type { PublicTicketView } from './residents.ts';
import type { PackedSnapshot } from './snapshot-codec.ts';

/** Which slice of the street office a socket sees; decided by the server from the database. */
export type LiveScope =
  | { kind: 'street_office'; streetOfficeId: string }
  | { kind: 'grids'; streetOfficeId: string; gridIds: string[] }
  | { kind: 'responder'; streetOfficeId: string; responderId: string; gridIds: string[] };

/**
 * Who holds a live socket: a signed-in role, a wall screen's display token, or a resident's tracking code (only on
 * the tracking namespace below, never on the main one).
 */
export type LivePrincipalKind = Role | 'display' | 'tracking';
export const LIVE_PRINCIPALS: readonly LivePrincipalKind[] = [...ROLES, 'display'];

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
  kpis: WallKpiBoard;
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
  'metrics:update': (kpis: WallKpiBoard) => void;
  'session:ended': (info: { reason: string }) => void;
}

/**
 * Every event a client may send, declared once: its payload schema (null = no payload), who may send it, and how
 * often. The server's socket boundary (server/live/boundary.ts) parses each message against this table before any
 * handler runs; the fuzz tests read it to know what to attack. A message is always `[event, payload?, ack]`.
 */
export const CLIENT_EVENTS = {
  'live:resync': { payload: null, allow: LIVE_PRINCIPALS, rate: { perS: 0.1, burst: 3 } },
  'time:ping': { payload: null, allow: LIVE_PRINCIPALS, rate: { perS: 1, burst: 10 } },
  'location:report': { payload: positionReport, allow: ['responder'], rate: { perS: 20, burst: 60 } },
  'duty:set': { payload: dutyBody, allow: ['responder'], rate: { perS: 1, burst: 10 } },
} as const satisfies Record<string, ClientEventSpec>;
export type ClientEvent = keyof typeof CLIENT_EVENTS;

export interface ClientEventSpec {
  payload: z.ZodType | null;
  /** Roles (and 'display' for wall-screen tokens) that may send it; anyone else gets a forbidden ack. */
  allow: readonly LivePrincipalKind[];
  /** Token bucket per socket: sustained messages per second and burst. */
  rate: { perS: number; burst: number };
}

/** What each client event answers with, in its ack's `data`. */
export interface ClientEventResults {
  'live:resync': PackedSnapshot;
  'time:ping': { serverTime: string };
  'location:report': { accepted: true };
  'duty:set': ResponderView;
}

type PayloadOf<E extends ClientEvent> = (typeof CLIENT_EVENTS)[E]['payload'] extends z.ZodType<infer T> ? T : never;
export type ClientEventPayload<E extends ClientEvent> = PayloadOf<E>;
export type ClientToServerEvents = {
  [E in ClientEvent]: (typeof CLIENT_EVENTS)[E]['payload'] extends null
    ? (ack: (res: Ack<ClientEventResults[E]>) => void) => void
    : (payload: PayloadOf<E>, ack: (res: Ack<ClientEventResults[E]>) => void) => void;
};

export interface SocketData {
  userId: string | null;
  sessionId: string | null;
  displayTokenId: string | null;
  scope: LiveScope;
  role: Me['role'] | 'display';
  /** The client's address as the server decided it (trusted proxies only). */
  address: string;
}

/**
 * The tracking page's live channel: a namespace of its own, opened with a tracking code in the handshake
 * (`io('/track', { auth: { code } })`). The socket sees one ticket's public view (shared/residents.ts: no names,
 * phones or positions) and nothing else: it joins no room of the main namespace and can send no event of it.
 */
export const TRACK_NAMESPACE = '/track';
export interface TrackServerToClientEvents {
  /** The ticket's public view: on connecting, and whenever the ticket changes (keep the highest `version`). */
  'track:view': (view: PublicTicketView) => void;
}
export const TRACK_CLIENT_EVENTS = {
  /** The view now (a page back from the background asks instead of waiting for the next change). */
  'track:get': { payload: null, allow: ['tracking'], rate: { perS: 0.5, burst: 5 } },
} as const satisfies Record<string, ClientEventSpec>;
export type TrackClientEvent = keyof typeof TRACK_CLIENT_EVENTS;
export interface TrackClientEventResults { 'track:get': PublicTicketView }
export type TrackClientToServerEvents = {
  [E in TrackClientEvent]: (ack: (res: Ack<TrackClientEventResults[E]>) => void) => void;
};
export interface TrackSocketData { ticketId: string; address: string }

/** The interval at which positions are coalesced, persisted and broadcast. */
export const POSITION_FLUSH_MS = 100;
