// Position history by day: partitions made ahead, retention by whole partitions, midnight in two zones, the migration
// of an unpartitioned table with data in it, and a restart (or a start after days away) finding its partitions.
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import postgres from 'postgres';
import type { Sql } from '../server/db/connect.ts';
import { migrate, migrationFiles, migrationsDir } from '../server/db/migrate.ts';
import { dropExpiredPositionPartitions, ensurePositionPartitions, listPositionPartitions } from '../server/locations/partitions.ts';
import { storePositions } from '../server/locations/ingest.ts';
import { freshDatabase } from './helpers/db.ts';
import { serverOn, waitFor } from './helpers/server.ts';
import { gridByCode, responderIn } from './helpers/fixtures.ts';

const P = suite('position partitions');
const DAY = 86_400_000;
/** Both zones the tests use have a fixed offset (China has had no daylight saving time since 1991). */
const OFFSET_MS: Record<string, number> = { 'Asia/Shanghai': 8 * 3600_000, UTC: 0 };
/** The instant of local midnight that starts the local day containing `t`. */
const localMidnight = (zone: string, t: number) => Math.floor((t + OFFSET_MS[zone]) / DAY) * DAY - OFFSET_MS[zone];
const localDate = (zone: string, t: number) => new Date(t + OFFSET_MS[zone]).toISOString().slice(0, 10).replaceAll('-', '');

/** No instant in [from, to] without a partition, and no two partitions overlapping. */
async function assertCovered(sql: Sql, from: number, to: number) {
  const parts = await listPositionPartitions(sql);
  for (let i = 1; i < parts.length; i++) assert.ok(parts[i].from.getTime() >= parts[i - 1].to.getTime(), `${parts[i].name} overlaps ${parts[i - 1].name}`);
  let t = from;
  for (const p of parts) if (p.from.getTime() <= t && p.to.getTime() > t) t = p.to.getTime();
  assert.ok(t > to, `covered up to ${new Date(t).toISOString()}, needed ${new Date(to).toISOString()}`);
  return parts;
}

async function onDutyResponder(sql: Sql): Promise<string> {
  const [r] = await sql<{ id: string }[]>`UPDATE responders SET duty_status = 'available' WHERE id = (SELECT min(id) FROM responders) RETURNING id::text`;
  return r.id;
}

P('the current and the next local day always have a partition, midnight to midnight; later runs add only what is missing', async () => {
  const db = await freshDatabase();
  try {
    const now = Date.now();
    await ensurePositionPartitions(db.sql, 'Asia/Shanghai', new Date(now));
    const parts = await assertCovered(db.sql, now - DAY, now + DAY);
    for (const day of [now, now + DAY]) {
      const p = parts.find((x) => x.name === `positions_${localDate('Asia/Shanghai', day)}`);
      assert.ok(p, `a partition for ${localDate('Asia/Shanghai', day)}`);
      assert.is(p!.from.getTime(), localMidnight('Asia/Shanghai', day));
      assert.is(p!.to.getTime(), localMidnight('Asia/Shanghai', day) + DAY);
    }
    assert.equal(await ensurePositionPartitions(db.sql, 'Asia/Shanghai', new Date(now)), [], 'nothing twice');
    // Three days later the job finds its tomorrow and the days between missing, and makes exactly those.
    const made = await ensurePositionPartitions(db.sql, 'Asia/Shanghai', new Date(now + 3 * DAY));
    const expected = [];
    for (let d = localMidnight('Asia/Shanghai', now) + 2 * DAY; d <= now + 4 * DAY; d += DAY) expected.push(`positions_${localDate('Asia/Shanghai', d)}`);
    assert.equal(made, expected);
    await assertCovered(db.sql, now - DAY, now + 4 * DAY);
    // Each partition carries both indexes.
    const idx = await db.sql<{ n: number }[]>`SELECT count(*)::int AS n FROM pg_indexes WHERE tablename = ${expected.at(-1)!}`;
    assert.is(idx[0].n, 2);
  } finally {
    await db.drop();
  }
});

P('retention drops exactly the partitions whose every row is older than LOCATION_RETENTION_DAYS, and nothing younger', async () => {
  const db = await freshDatabase();
  try {
    const { sql } = db;
    const now = Date.now(), later = now + 12 * DAY;
    // Twelve days of the job running: a partition a day ahead each day.
    for (let d = 0; d <= 12; d++) await ensurePositionPartitions(sql, 'Asia/Shanghai', new Date(now + d * DAY));
    const before = await listPositionPartitions(sql);
    // One point at each partition's start, one just before its end.
    const rows = before.flatMap((p) => [p.from.getTime(), p.to.getTime() - 1]);
    await sql`INSERT INTO positions (responder_id, at, lat, lng, accuracy)
      SELECT 1, to_timestamp(ms / 1000.0), 39.9, 116.4, 5 FROM unnest(${rows}::float8[]) AS ms`;
    const cutoff = later - 7 * DAY;
    const dropped = await dropExpiredPositionPartitions(sql, 7, new Date(later));
    assert.equal(dropped, before.filter((p) => p.to.getTime() <= cutoff).map((p) => p.name));
    assert.ok(dropped.length >= 6, `several days expired (${dropped.length})`);
    const after = await listPositionPartitions(sql);
    assert.equal(after.map((p) => p.name), before.filter((p) => p.to.getTime() > cutoff).map((p) => p.name));
    assert.ok(after[0].from.getTime() <= cutoff, 'the partition holding the cut-off stays: some of its rows are younger');
    const kept = await sql<{ ms: number }[]>`SELECT (extract(epoch FROM at) * 1000)::float8 AS ms FROM positions ORDER BY at`;
    assert.equal(kept.map((r) => Math.round(r.ms)), rows.filter((t) => t >= after[0].from.getTime()).sort((a, b) => a - b));
    assert.ok(kept.every((r) => r.ms >= cutoff - DAY), 'nothing older than retention plus one day is left');
    assert.equal(await dropExpiredPositionPartitions(sql, 7, new Date(later)), []);
  } finally {
    await db.drop();
  }
});

for (const [zone, sessionTz] of [['Asia/Shanghai', 'UTC'], ['UTC', 'Asia/Shanghai']] as const) {
  P(`points on either side of midnight in ${zone} go to their own day's partition (database session in ${sessionTz})`, async () => {
    const db = await freshDatabase();
    // A server in another time zone than the partitions' must make and use the same partitions.
    const other = postgres(db.url, { max: 1, connection: { TimeZone: sessionTz }, onnotice: () => {} }) as unknown as Sql;
    try {
      const responder = await onDutyResponder(db.sql);
      const day = Date.now() + 5 * DAY;
      await ensurePositionPartitions(other, zone, new Date(day));
      const midnight = localMidnight(zone, day);
      const points = [midnight - 1, midnight, midnight + 1].map((at) => ({ responderId: responder, at, lat: 39.9, lng: 116.4, accuracy: 5 }));
      for (const p of points) await storePositions(other, [p]);
      const rows = await db.sql<{ part: string; ms: number }[]>`
        SELECT tableoid::regclass::text AS part, extract(epoch FROM at) * 1000 AS ms FROM positions WHERE responder_id = ${responder} ORDER BY at`;
      assert.equal(rows.map((r) => [r.part, Math.round(Number(r.ms))]), [
        [`positions_${localDate(zone, midnight - 1)}`, midnight - 1],
        [`positions_${localDate(zone, midnight)}`, midnight],
        [`positions_${localDate(zone, midnight)}`, midnight + 1],
      ]);
      const [{ at }] = await db.sql<{ at: Date }[]>`SELECT at FROM latest_positions WHERE responder_id = ${responder}`;
      assert.is(at.getTime(), midnight + 1, 'the latest position is the newest point');
    } finally {
      await other.end({ timeout: 1 });
      await db.drop();
    }
  });
}

P('the migration moves an unpartitioned positions table with data in it into daily partitions, every row kept', async () => {
  const db = await freshDatabase({ empty: true });
  const { sql } = db;
  try {
    // The schema as it was before migration 030, with three days of history in the old table.
    await sql`CREATE TABLE schema_migrations (name text PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())`;
    for (const file of (await migrationFiles()).filter((f) => f < '030')) {
      await sql.unsafe(await readFile(path.join(migrationsDir, file), 'utf8'));
      await sql`INSERT INTO schema_migrations (name) VALUES (${file})`;
    }
    const now = Date.now(), midnight = localMidnight('Asia/Shanghai', now);
    const ats = [...Array.from({ length: 5000 }, (_, k) => now - k * 53_000), midnight - 1, midnight, now + 10_000];
    await sql`INSERT INTO positions (responder_id, at, lat, lng, accuracy, received_at)
      SELECT 1 + (k % 97), to_timestamp(ms / 1000.0), 39 + k * 1e-6, 116 + k * 1e-6, k % 30, to_timestamp(ms / 1000.0) + interval '1 second'
      FROM unnest(${ats}::float8[]) WITH ORDINALITY AS u(ms, k)`;
    const digest = () => sql<{ n: number; md5: string }[]>`
      SELECT count(*)::int AS n, md5(string_agg(concat_ws(',', responder_id, at, lat, lng, accuracy, received_at), ';' ORDER BY at, responder_id)) AS md5 FROM positions`;
    const [old] = await digest();
    assert.is(old.n, 5003);

    await migrate(sql);
    const [{ kind }] = await sql<{ kind: string }[]>`SELECT relkind::text AS kind FROM pg_class WHERE relname = 'positions'`;
    assert.is(kind, 'p', 'positions is partitioned now');
    const [{ gone }] = await sql<{ gone: boolean }[]>`SELECT to_regclass('positions_unpartitioned') IS NULL AS gone`;
    assert.ok(gone);
    assert.equal((await digest())[0], old, 'every row, every value');
    const parts = await assertCovered(sql, now - 5000 * 53_000, now + DAY);
    assert.ok(parts.length >= 5, `one partition per day (${parts.map((p) => p.name).join(', ')})`);
    const split = await sql<{ part: string; n: number }[]>`
      SELECT tableoid::regclass::text AS part, count(*)::int AS n FROM positions WHERE at IN (${new Date(midnight - 1)}, ${new Date(midnight)}) GROUP BY 1 ORDER BY 1`;
    assert.equal(split.map((r) => [r.part, r.n]), [[`positions_${localDate("Asia/Shanghai", midnight - 1)}`, 1], [`positions_${localDate("Asia/Shanghai", midnight)}`, 1]]);
  } finally {
    await db.drop();
  }
});

P('a restart finds its partitions; a start after the job has not run for days makes today\'s before the first point', async () => {
  const db = await freshDatabase();
  const keep = { url: db.url, sql: db.sql };
  try {
    const first = await serverOn(keep);
    const made = await listPositionPartitions(db.sql);
    await first.close();
    const again = await serverOn(keep);
    assert.equal(await listPositionPartitions(db.sql), made, 'nothing made twice, nothing lost');
    await again.close();

    // No partition for yesterday, today or tomorrow (a database restored from an old backup, say).
    const now = Date.now();
    for (const p of made) if (p.to.getTime() > localMidnight('Asia/Shanghai', now) - DAY) await db.sql.unsafe(`DROP TABLE ${p.name}`);
    const s = await serverOn(keep);
    try {
      await assertCovered(db.sql, now - 60_000, now + DAY);
      const g = await gridByCode(db.sql, '01-1');
      const r = await responderIn(db.sql, g.id);
      const phone = s.socket({ cookie: await s.login(r.username) });
      await waitFor(phone, 'live:snapshot');
      await phone.timeout(2000).emitWithAck('duty:set', { onDuty: true });
      const ack = await phone.timeout(3000).emitWithAck('location:report', { lat: g.lat, lng: g.lng, accuracy: 8, at: new Date().toISOString() });
      assert.equal(ack, { ok: true, data: { accepted: true } });
      const [row] = await db.sql<{ part: string }[]>`SELECT tableoid::regclass::text AS part FROM positions WHERE responder_id = ${r.responderId}`;
      assert.is(row.part, `positions_${localDate('Asia/Shanghai', now)}`);
    } finally {
      await s.close();
    }
  } finally {
    await db.drop();
  }
});

P.run();
