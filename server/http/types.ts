// The dependencies every domain module receives from the composition root, and Koa's typed state.
import type Router from '@koa/router';
import type { Logger } from 'pino';
import type { Server as IoServer } from 'socket.io';
import type { Config } from '../config.ts';
import type { Sql } from '../db/connect.ts';
import type { Principal } from '../auth/principal.ts';
import type { OpsMetrics } from './ops-metrics.ts';
import type { Limits } from '../limits/limits.ts';
import type { ClientToServerEvents, ServerToClientEvents, SocketData } from '../../shared/events.ts';

/**
 * Between instances: the position batches each instance stored, already packed for the wire, per position room,
 * relayed once per flush (see locations/ingest.ts).
 */
export interface ServerSideEvents {
  'positions:relay': (rooms: Array<[string, Uint8Array]>) => void;
}
export type Io = IoServer<ClientToServerEvents, ServerToClientEvents, ServerSideEvents, SocketData>;

export interface Deps {
  sql: Sql;
  /**
   * The live path's own small pool: the change stream's reads and the position flushes. On the shared pool they
   * queued behind bursts of ticket writes (each waiting on the outbox's lock) and the stream's reads timed out.
   * The same as `sql` where no separate pool was made (tests).
   */
  liveSql: Sql;
  config: Config;
  log: Logger;
  io: Io;
  /** True when other instances share the database through the cluster adapter. */
  clustered: boolean;
  /** This instance's operational metrics (GET /metrics). */
  metrics: OpsMetrics;
  /** The rate limits (server/limits), counted in PostgreSQL so that they hold across instances. */
  limits: Limits;
}

export interface AppState { principal?: Principal }
export type AppRouter = Router<AppState>;
