// Composition root: Koa and Socket.IO on one http.Server, every domain wired in. No environment, no listening.
import http from 'node:http';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import Koa from 'koa';
import Router from '@koa/router';
import { Server } from 'socket.io';
import { createAdapter } from '@socket.io/postgres-adapter';
import pg from 'pg';
import type { Logger } from 'pino';
import type { Config } from './config.ts';
import type { Sql } from './db/connect.ts';
import type { AppState, Deps, Io } from './http/types.ts';
import { errorBoundary } from './http/errors.ts';
import { clientAddressMiddleware } from './http/client-address.ts';
import { healthRoutes } from './http/health.ts';
import { securityHeaders } from './http/headers.ts';
import { createOpsMetrics, opsMetricsRoutes } from './http/ops-metrics.ts';
import { watchLoopStalls } from './http/loop-stalls.ts';
import { mountRoutes, type Route } from './http/routes.ts';
import { serveClient } from './http/static.ts';
import { authenticate } from './auth/middleware.ts';
import { authRoutes } from './auth/routes.ts';
import { ticketRoutes } from './tickets/routes.ts';
import { gridRoutes } from './grids/routes.ts';
import { catalogRoutes } from './catalog/routes.ts';
import { responderRoutes } from './responders/routes.ts';
import { metricRoutes } from './metrics/routes.ts';
import { dispatchRoutes } from './dispatch/routes.ts';
import { displayRoutes } from './displays/routes.ts';
import { reportRoutes } from './reports/routes.ts';
import { createRollupJob } from './reports/job.ts';
import { residentRoutes } from './residents/routes.ts';
import { attachTracking } from './residents/live.ts';
import { posterRoutes } from './residents/posters.ts';
import { open311Routes } from './open311/routes.ts';
import { open311AdminRoutes } from './open311/admin.ts';
import { open311Errors } from './open311/format.ts';
import { createChangeStream } from './live/stream.ts';
import { attachLive } from './live/socket.ts';
import { startBacklogSweep } from './live/backpressure.ts';
import { originAllowed } from './http/origin.ts';
import { createPositionIngest, type PositionIngest } from './locations/ingest.ts';
import { createJobs } from './jobs.ts';
import { createLimits, limitTable } from './limits/limits.ts';
import { ensurePositionPartitions } from './locations/partitions.ts';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

export interface AppOptions {
  sql: Sql;
  /** A separate small pool for the live path (Deps.liveSql); default: `sql`. */
  liveSql?: Sql;
  config: Config;
  log: Logger;
  /** Connection string for the Socket.IO cluster adapter; without it the instance runs alone. */
  databaseUrl?: string | null;
  distDir?: string;
}

export interface GridOpsApp {
  server: http.Server;
  io: Io;
  deps: Deps;
  /** Every REST route with who may call it: mounted once, read by the fuzz and access-matrix tests. */
  routes: readonly Route[];
  ingest: PositionIngest;
  start(): Promise<void>;
  listen(port: number, host?: string): Promise<number>;
  close(): Promise<void>;
}

export function createApp({ sql, liveSql = sql, config, log, databaseUrl = null, distDir = path.join(root, 'dist') }: AppOptions): GridOpsApp {
  const app = new Koa();
  // Koa composes its middleware when callback() is called: do it once everything below is registered.
  let handle: ReturnType<Koa['callback']> | null = null;
  const server = http.createServer((req, res) => handle!(req, res));
  const io: Io = new Server(server, {
    serveClient: false,
    maxHttpBufferSize: 64 * 1024,
    pingInterval: 10_000,
    pingTimeout: 8_000,
    allowRequest: (req, cb) => { const ok = originAllowed(req, config); cb(ok ? null : 'origin not allowed', ok); },
  });
  let pool: pg.Pool | null = null;
  if (databaseUrl) {
    pool = new pg.Pool({ connectionString: databaseUrl, max: 4 });
    // pg errors carry their client (the whole connection state): log what happened, not the object graph.
    const brief = (err: Error & { code?: string }) => ({ message: err.message, code: err.code });
    pool.on('error', (err) => log.warn({ err: brief(err) }, 'socket.io adapter pool error'));
    // The adapter keeps one client checked out for LISTEN without an error listener: a database restart would
    // crash the process. Listening here lets its 'end' handler reconnect instead.
    pool.on('connect', (client) => client.on('error', (err) => log.warn({ err: brief(err) }, 'socket.io adapter connection lost')));
    io.adapter(createAdapter(pool, { errorHandler: (err) => log.warn({ err }, 'socket.io adapter error') }));
  }
  const metrics = createOpsMetrics(io);
  const limits = createLimits({ sql, log, registry: metrics.registry }, limitTable(config));
  const deps: Deps = { sql, liveSql, config, log, io, clustered: !!pool, metrics, limits };

  app.on('error', (err) => log.debug({ err }, 'koa error'));
  // First: everything after it (HSTS, the cookie's Secure flag, limits) reads ctx.ip / ctx.secure.
  app.use(clientAddressMiddleware(config));
  app.use(securityHeaders(config));
  app.use(errorBoundary(log));
  app.use(authenticate(sql));
  // Open311 answers its own errors element (XML or JSON) under /open311/, inside the one error boundary.
  app.use(open311Errors(log));
  const routes: Route[] = [
    ...healthRoutes(deps), ...opsMetricsRoutes(deps), ...authRoutes(deps), ...ticketRoutes(deps), ...gridRoutes(deps),
    ...catalogRoutes(deps), ...responderRoutes(deps), ...metricRoutes(deps), ...dispatchRoutes(deps), ...displayRoutes(deps),
    ...reportRoutes(deps),
    ...residentRoutes(deps), ...posterRoutes(deps), ...open311Routes(deps), ...open311AdminRoutes(deps),
  ];
  const router = new Router<AppState>();
  mountRoutes(router, routes, deps);
  app.use(router.routes());
  app.use(router.allowedMethods());
  app.use(serveClient(distDir));
  handle = app.callback();

  const tracking = attachTracking(io, deps);
  const stream = createChangeStream(deps, { onTickets: tracking.ticketsChanged });
  const ingest = createPositionIngest(deps);
  const jobs = createJobs(deps);
  const rollups = createRollupJob(deps);
  attachLive(io, deps, ingest);
  let stopSweep = () => {};
  let stopStallWatch = () => {};

  return {
    server, io, deps, routes, ingest,
    async start() {
      // Before the first position is taken: today's and tomorrow's partitions, whatever the job did or did not do.
      await ensurePositionPartitions(sql, config.locationPartitionTz);
      await stream.start();
      ingest.start();
      stopSweep = startBacklogSweep(io);
      stopStallWatch = watchLoopStalls(log);
      jobs.start();
      rollups.start();
    },
    listen(port, host = '127.0.0.1') {
      return new Promise((resolve, reject) => {
        server.once('error', reject);
        server.listen(port, host, () => resolve((server.address() as { port: number }).port));
      });
    },
    async close() {
      stopSweep();
      stopStallWatch();
      await jobs.stop();
      await rollups.stop();
      await ingest.stop();
      await stream.stop();
      io.disconnectSockets(true);
      await new Promise<void>((r) => io.close(() => r()));
      server.closeAllConnections?.();
      // pg's Pool.end waits for checked-out clients; the adapter may be mid-reconnect after a database restart.
      if (pool) await Promise.race([pool.end().catch(() => {}), new Promise((r) => setTimeout(r, 2000).unref())]);
    },
  };
}
