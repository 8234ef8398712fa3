// Entry point: read the environment, open the database (embedded unless DATABASE_URL), migrate, seed, serve, simulate.
import pino from 'pino';
import { loadConfig, type Config } from './config.ts';
import { openDatabase } from './db/open.ts';
import { migrate } from './db/migrate.ts';
import { createApp } from './app.ts';
import { seedDemoIfEmpty } from './demo/seed.ts';
import { createSimulator } from './demo/simulate.ts';
import { wallToken } from './displays/startup-link.ts';
import { DEMO_PASSWORD } from './demo/data.ts';
import { assertNoDemoCredentials } from './demo/guard.ts';

async function main() {
  let config: Config;
  try {
    config = loadConfig();
  } catch (e) {
    console.error(`grid-ops: ${(e as Error).message}`);
    process.exit(2);
  }
  const log = pino({ level: config.logLevel, base: { pid: process.pid } });
  // Last resort. No client input reaches these (the socket and HTTP boundaries answer every mistake, and the fuzz
  // tests prove it); if something still does, it is logged. A rejection is survivable; a thrown exception may have
  // left state half-changed, so the process stops and its supervisor starts a clean one.
  process.on('unhandledRejection', (err) => log.error({ err }, 'unhandled rejection'));
  process.on('uncaughtException', (err) => {
    log.fatal({ err }, 'uncaught exception: stopping');
    process.exitCode = 1;
    setTimeout(() => process.exit(1), 100).unref();
  });
  const t0 = Date.now();
  const db = await openDatabase(config, (m) => log.info(m));
  const applied = await migrate(db.sql);
  if (applied.length) log.info({ applied }, 'migrations applied');

  let streetOfficeId: string | null = null;
  if (config.seedDemo) {
    const seed = await seedDemoIfEmpty(db.sql);
    streetOfficeId = seed.streetOfficeId;
    if (seed.seeded) log.info('demo street office seeded');
  } else {
    streetOfficeId = (await db.sql<{ id: string }[]>`SELECT id FROM street_offices ORDER BY id LIMIT 1`)[0]?.id ?? null;
  }
  await assertNoDemoCredentials(db.sql, config);

  const app = createApp({ sql: db.sql, liveSql: db.liveSql, config, log, databaseUrl: db.url });
  await app.start();
  const port = await app.listen(config.port, config.host);
  const simulator = config.simulate ? createSimulator(app.deps, app.ingest) : null;
  const simulating = simulator ? await simulator.start() : false;

  const base = config.publicUrl ?? `http://localhost:${port}`;
  const lines = [
    `grid-ops ready in ${((Date.now() - t0) / 1000).toFixed(1)} s — ${db.embedded ? 'embedded PostgreSQL' : 'DATABASE_URL'}${simulating ? ', live simulation on' : ''}`,
    `  sign in:        ${base}/login`,
    `  dispatch:       ${base}/dispatch`,
    `  responder:      ${base}/m`,
    `  residents:      ${base}/report   (posters and Open311 keys: ${base}/admin)`,
    `  Open311:        ${base}/open311/v2/discovery.xml`,
  ];
  if (streetOfficeId) lines.push(`  wall screen:    ${base}/wall?token=${await wallToken(db.sql, config.dataDir, streetOfficeId)}`);
  if (config.seedDemo) lines.push(`  demo accounts:  admin, duty, manager, leader01…leader12, r001…r300 — password ${DEMO_PASSWORD}`);
  console.log(lines.join('\n'));

  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, 'shutting down');
    const force = setTimeout(() => process.exit(1), 15_000).unref();
    try {
      await simulator?.stop();
      await app.close();
      await db.close();
    } catch (err) {
      log.error({ err }, 'error during shutdown');
    }
    clearTimeout(force);
    process.exit(0);
  };
  process.on('SIGINT', () => void shutdown('SIGINT'));
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
}

main().catch((err) => {
  // The whole cause, never "undefined": some libraries reject with things that are not Errors.
  const why = err instanceof Error ? (err.stack ?? err.message) : typeof err === 'object' ? JSON.stringify(err) : String(err);
  console.error(`grid-ops failed to start: ${why}`);
  process.exit(1);
});
