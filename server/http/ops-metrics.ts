// Operational metrics for Prometheus (not the street office's KPIs, which live in server/metrics): how the live
// pipeline is doing on this instance. GET /metrics answers only with `Authorization: Bearer $METRICS_TOKEN`.
import { timingSafeEqual } from 'node:crypto';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import { AppError } from '../../shared/errors.ts';
import type { Deps } from './types.ts';
import { route, type Route } from './routes.ts';

export interface OpsMetrics {
  registry: Registry;
  /** One 100 ms position flush: the database write, from its start to commit. */
  positionFlushSeconds: Histogram;
  positionFlushPoints: Histogram;
  /** Per point: from this server receiving it to its batch going out to screens (waiting for the flush + the write). */
  positionDelaySeconds: Histogram;
  positionsStored: Counter;
  positionsRefused: Counter<'reason'>;
}

/** prom-client's default collectors whose cost grows with the number of connections (see createOpsMetrics). */
export const PER_CONNECTION_COLLECTORS = [
  'process_open_fds', 'nodejs_active_handles', 'nodejs_active_handles_total', 'nodejs_active_requests',
  'nodejs_active_requests_total', 'nodejs_active_resources', 'nodejs_active_resources_total',
].map((n) => `gridops_${n}`);

/** A registry per app, so that several apps in one process (tests) do not share counters. */
export function createOpsMetrics(io: Deps['io']): OpsMetrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'gridops_' });
  // Left out: these walk every open handle or file descriptor on each scrape (an array of 10,000 sockets built twice,
  // a readdir of /proc/self/fd), which held the event loop — and every position behind it — for 100–170 ms per scrape
  // with a city's phones connected. gridops_sockets_connected counts what they mostly counted.
  for (const name of PER_CONNECTION_COLLECTORS) registry.removeSingleMetric(name);
  new Gauge({
    name: 'gridops_sockets_connected', help: 'Socket.IO connections on this instance', registers: [registry],
    collect() { this.set(io.engine.clientsCount); },
  });
  return {
    registry,
    positionFlushSeconds: new Histogram({
      name: 'gridops_position_flush_seconds', help: 'Time to store one batch of positions (one statement, committed)',
      buckets: [0.005, 0.01, 0.02, 0.03, 0.05, 0.075, 0.1, 0.15, 0.25, 0.5, 1, 2.5], registers: [registry],
    }),
    positionFlushPoints: new Histogram({
      name: 'gridops_position_flush_points', help: 'Points in one flush', buckets: [1, 10, 100, 250, 500, 1000, 2000, 5000, 10000], registers: [registry],
    }),
    positionDelaySeconds: new Histogram({
      name: 'gridops_position_delay_seconds', help: 'Per position: from receipt on this instance to its broadcast (flush wait plus write)',
      buckets: [0.025, 0.05, 0.075, 0.1, 0.125, 0.15, 0.2, 0.25, 0.3, 0.4, 0.5, 0.75, 1, 2.5], registers: [registry],
    }),
    positionsStored: new Counter({ name: 'gridops_positions_stored_total', help: 'Positions stored and acknowledged', registers: [registry] }),
    positionsRefused: new Counter({ name: 'gridops_positions_refused_total', help: 'Positions refused', labelNames: ['reason'], registers: [registry] }),
  };
}

/** Public in the route table: it authenticates with its own bearer token, not a session. */
export function opsMetricsRoutes({ config, metrics }: Deps): Route[] {
  return [route({ method: 'GET', path: '/metrics', allow: ['public'], handler: async (ctx) => {
    const token = config.metricsToken;
    if (!token) throw new AppError('not_found', 'metrics are off: set METRICS_TOKEN to enable GET /metrics');
    const given = Buffer.from(/^Bearer (.+)$/.exec(ctx.get('authorization'))?.[1] ?? '');
    if (given.length !== Buffer.byteLength(token) || !timingSafeEqual(given, Buffer.from(token))) {
      throw new AppError('unauthorized', 'GET /metrics needs Authorization: Bearer <METRICS_TOKEN>');
    }
    ctx.type = metrics.registry.contentType;
    ctx.body = await metrics.registry.metrics();
  } })];
}
