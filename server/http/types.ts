// The dependencies every domain module receives from the composition root, and Koa's typed state.
import type Router from '@koa/router';
import type { Logger } from 'pino';
import type { Server as IoServer } from 'socket.io';
import type { Config } from '../config.ts';
import type { Sql } from '../db/connect.ts';
import type { Principal } from '../auth/principal.ts';
import type { ClientToServerEvents, ServerToClientEvents, SocketData } from '../../shared/events.ts';

export type Io = IoServer<ClientToServerEvents, ServerToClientEvents, Record<string, never>, SocketData>;

export interface Deps {
  sql: Sql;
  config: Config;
  log: Logger;
  io: Io;
}

export interface AppState { principal?: Principal }
export type AppRouter = Router<AppState>;
