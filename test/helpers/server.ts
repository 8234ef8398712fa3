// A real server for tests: createApp on port 0 over a fresh real PostgreSQL, with helpers to sign in and connect sockets.
import pino from 'pino';
import { io as ioClient, type Socket } from 'socket.io-client';
import { createApp, type GridOpsApp } from '../../server/app.ts';
import { testConfig, type Config } from '../../server/config.ts';
import { connect, type Sql } from '../../server/db/connect.ts';
import { createDisplayToken } from '../../server/auth/sessions.ts';
import type { ClientToServerEvents, PackedPositions, PositionTuple, ServerToClientEvents } from '../../shared/events.ts';
import { decodePositions } from '../../shared/positions.ts';
import { DEMO_PASSWORD } from '../../server/demo/data.ts';
import { freshDatabase } from './db.ts';

export type LiveClient = Socket<ServerToClientEvents, ClientToServerEvents>;

export interface TestServer {
  url: string;
  sql: Sql;
  /** The database's connection string (another pool, another instance). */
  dbUrl: string;
  app: GridOpsApp;
  displayToken: string;
  /** Signs in a demo account; returns its session cookie header. */
  login(username: string, password?: string): Promise<string>;
  /** fetch against the server with JSON body and an optional cookie. */
  api(method: string, path: string, opts?: { cookie?: string; body?: unknown; headers?: Record<string, string> }): Promise<{ status: number; body: any }>;
  socket(auth: { cookie?: string; displayToken?: string }): LiveClient;
  close(): Promise<void>;
}

/** `distDir`: serve another copy of the built client (a test that deploys a new version under a running page). */
type ServerOpts = {
  config?: Partial<Config>; start?: boolean; cluster?: boolean; distDir?: string;
  /** Connections of a separate live-path pool (Deps.liveSql), as `npm start` has; default: the shared pool. */
  livePool?: number;
  /** Receives the server's log lines (pino JSON), at `logLevel` (default warn). */
  logTo?: (line: Record<string, unknown>) => void;
  logLevel?: pino.Level;
};

export async function startTestServer(opts: ServerOpts = {}): Promise<TestServer> {
  const db = await freshDatabase();
  return serverOn(db, opts);
}

/** Starts an app over an existing database (a second instance for cluster tests). */
export async function serverOn(db: { url: string; sql: Sql; drop?(): Promise<void> }, opts: ServerOpts = {}): Promise<TestServer> {
  const config = testConfig(opts.config);
  const liveSql = opts.livePool ? connect(db.url, { max: opts.livePool, applicationName: 'grid-ops live' }) : db.sql;
  const app = createApp({ sql: db.sql, liveSql, config, log: opts.logTo ? pino({ level: opts.logLevel ?? 'warn' }, { write: (l: string) => opts.logTo!(JSON.parse(l)) }) : pino({ level: process.env.TEST_LOG ?? 'silent' }), databaseUrl: opts.cluster ? db.url : null, ...(opts.distDir ? { distDir: opts.distDir } : {}) });
  if (opts.start !== false) await app.start();
  const port = await app.listen(0);
  const url = `http://127.0.0.1:${port}`;
  const [so] = await db.sql<{ id: string }[]>`SELECT id FROM street_offices ORDER BY id LIMIT 1`;
  const displayToken = await createDisplayToken(db.sql, so.id, 'test wall');
  const sockets: LiveClient[] = [];

  const api: TestServer['api'] = async (method, path, o = {}) => {
    const res = await fetch(url + path, {
      method,
      headers: { ...(o.body !== undefined ? { 'content-type': 'application/json' } : {}), ...(o.cookie ? { cookie: o.cookie } : {}), ...(o.headers ?? {}) },
      body: o.body === undefined ? undefined : typeof o.body === 'string' ? o.body : JSON.stringify(o.body),
    });
    const text = await res.text();
    let body: unknown = text;
    try { body = JSON.parse(text); } catch { /* not JSON */ }
    return { status: res.status, body };
  };

  return {
    url, sql: db.sql, dbUrl: db.url, app, displayToken, api,
    async login(username, password = DEMO_PASSWORD) {
      const res = await fetch(url + '/api/auth/login', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username, password }) });
      if (res.status !== 200) throw new Error(`login ${username} failed: ${res.status} ${await res.text()}`);
      return res.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ');
    },
    socket(auth) {
      const s: LiveClient = ioClient(url, {
        transports: ['websocket'], reconnection: false, forceNew: true,
        auth: auth.displayToken ? { displayToken: auth.displayToken } : {},
        extraHeaders: auth.cookie ? { cookie: auth.cookie } : {},
      });
      sockets.push(s);
      return s;
    },
    async close() {
      for (const s of sockets) s.close();
      await app.close();
      if (liveSql !== db.sql) await liveSql.end({ timeout: 1 });
      await db.drop?.();
    },
  };
}

/** Resolves with the first event matching `pred`, or rejects after `ms`. */
/** The next position batch (decoded from its binary wire form) that carries this responder. */
export async function waitForPosition(socket: LiveClient, responderId: string, ms = 3000): Promise<PositionTuple> {
  const packed = await waitFor<PackedPositions>(socket, 'positions:batch', (b) => decodePositions(b).some((p) => p[0] === responderId), ms);
  return decodePositions(packed).find((p) => p[0] === responderId)!;
}

export function waitFor<T>(socket: LiveClient, event: keyof ServerToClientEvents, pred: (payload: T) => boolean = () => true, ms = 3000): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => { socket.off(event, handler as never); reject(new Error(`timed out waiting for ${event}`)); }, ms);
    const handler = (payload: T) => {
      if (!pred(payload)) return;
      clearTimeout(timer);
      socket.off(event, handler as never);
      resolve(payload);
    };
    socket.on(event, handler as never);
  });
}
