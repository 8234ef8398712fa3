// The wall's KPI board shared by instances (server/metrics/board.ts): computed once and taken by everyone until a
// change that moves it; another instance's computation awaited, not repeated; yesterday's never taken; and on the
// wall, a new ticket shows on the board of a screen connected to another instance.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { connect, type Sql } from '../server/db/connect.ts';
import { freshDatabase } from './helpers/db.ts';
import { gridByCode, noAutoDispatch, type GridRef } from './helpers/fixtures.ts';
import { insertTicket } from '../server/tickets/create.ts';
import { publish } from '../server/live/outbox.ts';
import { ADVISORY_LOCKS } from '../server/db/locks.ts';
import { freshKpiBoard, KPI_COST_FACTOR, KPI_MIN_INTERVAL_MS, nextComputeAtMs } from '../server/metrics/board.ts';
import { kpiBoard } from '../server/metrics/kpis.ts';
import type { KpiBoard, WallKpiBoard } from '../shared/api.ts';
import { serverOn, waitFor, type TestServer } from './helpers/server.ts';
import { decodeSnapshot, type PackedSnapshot } from '../shared/snapshot-codec.ts';

const K = suite<{ sql: Sql; url: string; so: string; g: GridRef; drop(): Promise<void> }>('kpi board shared by instances');

K.before(async (ctx) => {
  const db = await freshDatabase();
  Object.assign(ctx, { sql: db.sql, url: db.url, drop: db.drop });
  await noAutoDispatch(db.sql);
  ctx.g = await gridByCode(db.sql, '03-2');
  const [so] = await db.sql<{ id: string }[]>`SELECT street_office_id AS id FROM grids WHERE id = ${ctx.g.id}`;
  ctx.so = so.id;
});
K.after(async (ctx) => ctx.drop());

const report = (sql: Sql, so: string, g: GridRef, description: string) => sql.begin((tx) => insertTicket(tx, {
  streetOfficeId: so, gridId: g.id, category: 'clutter', channel: 'hotline', description, lat: g.lat, lng: g.lng,
  actor: { userId: null, responderId: null, label: '测试' }, createdBy: null, idempotencyKey: null,
}));

K('two instances asking together compute it once; the next asks take it until a ticket changes', async ({ sql, url, so, g }) => {
  const other = connect(url, { max: 2 });
  try {
    const [a, b] = await Promise.all([freshKpiBoard(sql, so), freshKpiBoard(other, so)]);
    assert.is(a.computedAtMs, b.computedAtMs, 'one computation, taken by both');
    const [{ n }] = await sql<{ n: number }[]>`SELECT count(*)::int AS n FROM kpi_boards WHERE street_office_id = ${so}`;
    assert.is(n, 1);
    assert.equal(a.board, await kpiBoard(sql, so), 'the stored board is the board');
    const again = await freshKpiBoard(other, so);
    assert.is(again.computedAtMs, a.computedAtMs, 'nothing changed: the stored board');

    await report(sql, so, g, '路灯不亮');
    const after = await freshKpiBoard(other, so);
    assert.ok(after.computedAtMs > a.computedAtMs, 'a ticket changed: computed again');
    assert.is(after.board.today.reported, a.board.today.reported + 1);
    assert.ok(after.seq > a.seq);
  } finally {
    await other.end({ timeout: 1 });
  }
});

K('a change that does not move the board (a responder going on duty) does not recompute it', async ({ sql, so }) => {
  const before = await freshKpiBoard(sql, so);
  const [r] = await sql<{ id: string }[]>`SELECT id FROM responders WHERE street_office_id = ${so} ORDER BY id LIMIT 1`;
  await sql.begin((tx) => publish(tx, [{ audience: { streetOfficeId: so, gridIds: [], responderIds: [r.id] }, change: { kind: 'responder', responder: { id: r.id } as never } }]));
  assert.is((await freshKpiBoard(sql, so)).computedAtMs, before.computedAtMs);
  // …but one older than BOARD_MAX_AGE_MS is computed again (resolution targets pass without a change).
  assert.ok((await freshKpiBoard(sql, so, { maxAgeMs: 0 })).computedAtMs > before.computedAtMs);
});

K('while another instance computes it, its board is awaited, not computed a second time', async ({ sql, url, so, g }) => {
  await report(sql, so, g, '井盖松动');
  const other = connect(url, { max: 1 });
  try {
    const marker = { ...(await kpiBoard(sql, so)), perCommunity: [] } as KpiBoard;
    marker.today = { ...marker.today, reported: 4242 };
    // The other instance holds the board's lock for 600 ms, then stores its board.
    let locked!: () => void;
    const isLocked = new Promise<void>((r) => { locked = r; });
    const holding = other.begin(async (tx) => {
      await tx`SELECT pg_advisory_xact_lock(${ADVISORY_LOCKS.kpiBoard}, ${so}::int)`;
      locked();
      await new Promise((r) => setTimeout(r, 600));
      const [{ seq }] = await tx<{ seq: string }[]>`SELECT max(seq)::text AS seq FROM changes`;
      await tx`UPDATE kpi_boards SET board = ${tx.json(marker as never)}, seq = ${seq}, computed_at = now(), took_ms = 600 WHERE street_office_id = ${so}`;
    });
    await isLocked;
    const got = await freshKpiBoard(sql, so);
    await holding;
    assert.is(got.board.today.reported, 4242, "the other instance's board");
  } finally {
    await other.end({ timeout: 1 });
  }
});

K("yesterday's board is not taken, however recent", async ({ sql, so }) => {
  const b = await freshKpiBoard(sql, so, { maxAgeMs: 0 });
  const yesterday = new Date(Date.parse(b.board.since) - 86_400_000).toISOString();
  await sql`UPDATE kpi_boards SET board = jsonb_set(board, '{since}', to_jsonb(${yesterday}::text)), computed_at = now() WHERE street_office_id = ${so}`;
  const today = await freshKpiBoard(sql, so);
  assert.is(today.board.since, b.board.since);
  assert.ok(today.computedAtMs > b.computedAtMs);
});

K('the next computation waits a second, or ten times what the last one cost', () => {
  assert.is(nextComputeAtMs({ computedAtMs: 10_000, tookMs: 30 }), 10_000 + KPI_MIN_INTERVAL_MS);
  assert.is(nextComputeAtMs({ computedAtMs: 10_000, tookMs: 400 }), 10_000 + KPI_COST_FACTOR * 400);
});

K('a ticket reported through one instance shows on the board of a screen connected to the other', async ({ sql, url, so, g }) => {
  const a: TestServer = await serverOn({ url, sql }, { cluster: true });
  const b: TestServer = await serverOn({ url, sql }, { cluster: true });
  try {
    const wall = b.socket({ displayToken: b.displayToken });
    const { kpis } = decodeSnapshot(await waitFor<PackedSnapshot>(wall, 'live:snapshot'));
    const updated = waitFor<KpiBoard>(wall, 'metrics:update', (m) => m.today.reported === kpis.today.reported + 1, 5000);
    await report(a.sql, so, g, '楼道灯坏了');
    await updated;
  } finally {
    await a.close();
    await b.close();
  }
});

K("a screen gets the board's day figures in full and, per community, the two rates the wall's table shows", async ({ sql, url, so, g }) => {
  const s: TestServer = await serverOn({ url, sql });
  try {
    const wall = s.socket({ displayToken: s.displayToken });
    const { kpis } = decodeSnapshot(await waitFor<PackedSnapshot>(wall, 'live:snapshot'));
    const updated = waitFor<WallKpiBoard>(wall, 'metrics:update', (m) => m.today.reported === kpis.today.reported + 1, 5000);
    await report(sql, so, g, '井盖松了');
    const pushed = await updated;
    const full = (await freshKpiBoard(sql, so)).board;
    for (const board of [kpis, pushed]) {
      assert.ok(board.perCommunity.length > 0);
      for (const c of board.perCommunity) assert.equal(Object.keys(c).sort(), ['closureRate', 'communityId', 'onTimeResponseRate']);
    }
    assert.equal(pushed.today, full.today);
    assert.equal(pushed.perCommunity, full.perCommunity.map((c) => ({ communityId: c.communityId, onTimeResponseRate: c.kpis.onTimeResponseRate, closureRate: c.kpis.closureRate })));
    assert.ok(JSON.stringify(pushed).length < JSON.stringify(full).length / 2, "the screen's copy is the smaller part of the board");
  } finally {
    await s.close();
  }
});

K.run();
