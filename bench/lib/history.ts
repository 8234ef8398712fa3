// A year of a city's history for the reports bench: a million tickets with their events across the grids of a
// seedScale() street office, generated inside PostgreSQL (INSERT … SELECT in chunks; a JS loop would take an hour).
// Outcomes are mixed so that every figure and every why-late cause has data: rejected duplicates, escalations before
// and after a response, tickets never answered, late entries, nobody-available alerts, declined and expired offers,
// reopened tickets, ratings; every timestamp after "now" is left out and the status is the last step reached.
import type { Sql } from '../../server/db/connect.ts';
import { CATEGORIES } from '../../server/demo/data.ts';
import { HOURLY_WEIGHT } from '../../server/demo/history.ts';
import { localDay, localDayStartMs, addDays } from '../../shared/reports.ts';

const CHANNEL_WEIGHT: Record<string, number> = { miniprogram: 40, hotline: 20, patrol: 15, part_time: 10, door_knock: 6, suggestion_box: 5, party_member: 4 };

/** `n` draws of `items` by weight, as a lookup table SQL indexes with random(). */
function table<T>(items: T[], weight: (t: T) => number, n = 1000): T[] {
  const total = items.reduce((s, x) => s + weight(x), 0);
  const out: T[] = [];
  for (const x of items) for (let k = 0; k < Math.round((weight(x) / total) * n); k++) out.push(x);
  return out;
}

export interface HistoryResult { tickets: number; events: number; ms: number; firstDay: string; lastDay: string }

/**
 * `days` whole days ending yesterday; with `today`, today so far instead (the tickets drawn after now are left out, so
 * fewer than `tickets` are written: the result counts them). `key` tells the runs' idempotency keys apart.
 */
export async function generateHistory(sql: Sql, streetOfficeId: string, opts: { tickets: number; days: number; today?: boolean; key?: string; chunk?: number; log?: (m: string) => void }): Promise<HistoryResult> {
  const t0 = Date.now();
  const nowMs = Date.now();
  const today = localDay(nowMs, 480);
  const firstDay = opts.today ? today : addDays(today, -opts.days);
  const days = opts.today ? 1 : opts.days;
  const key = opts.key ?? 'bench-';
  const start = new Date(localDayStartMs(firstDay, 480));
  const grids = (await sql<{ id: string }[]>`SELECT id FROM grids WHERE street_office_id = ${streetOfficeId} ORDER BY id`).map((r) => r.id);
  const responders = (await sql<{ id: string }[]>`SELECT id FROM responders WHERE street_office_id = ${streetOfficeId} ORDER BY id`).map((r) => r.id);
  const hours = table([...HOURLY_WEIGHT.keys()], (h) => HOURLY_WEIGHT[h]);
  const cats = table(CATEGORIES, (c) => c.weight).map((c) => c.code);
  const channels = table(Object.keys(CHANNEL_WEIGHT), (c) => CHANNEL_WEIGHT[c]);
  const chunk = opts.chunk ?? 100_000;
  await sql`SELECT setseed(0.42)`;
  let events = 0, tickets = 0;
  for (let a = 1; a <= opts.tickets; a += chunk) {
    const b = Math.min(opts.tickets, a + chunk - 1);
    await sql.begin(async (tx) => {
      await tx`SELECT setseed(${(a % 997) / 1000})`;
      await tx`
        CREATE TEMP TABLE bench_gen ON COMMIT DROP AS
        WITH base AS (
          SELECT i,
            (${grids}::bigint[])[1 + floor(random() * ${grids.length})::int] AS grid_id,
            (${cats}::text[])[1 + floor(random() * ${cats.length})::int] AS category,
            (${channels}::text[])[1 + floor(random() * ${channels.length})::int] AS channel,
            ${start}::timestamptz + make_interval(days => floor(random() * ${days})::int, hours => (${hours}::int[])[1 + floor(random() * ${hours.length})::int], secs => random() * 3600) AS reported_at,
            (${responders}::bigint[])[1 + floor(random() * ${responders.length})::int] AS responder,
            random() AS fate, random() AS u1, random() AS u2, random() AS u3, random() AS u4, random() AS u5, random() AS u6
          FROM generate_series(${a}::int, ${b}::int) i
        ), lags AS (
          SELECT b.*, c.response_target_s AS target, c.resolution_target_s AS res_target, c.urgency,
            b.fate < 0.03 AS rejected, b.fate >= 0.03 AND b.fate < 0.05 AS esc_first, b.fate >= 0.05 AND b.fate < 0.08 AS esc_after,
            b.fate >= 0.08 AND b.fate < 0.095 AS never, b.u1 < 0.03 AS alerted, b.u6 > 0.98 AS reopened,
            CASE WHEN b.u4 < 0.07 THEN 1 WHEN b.u4 < 0.09 THEN 2 ELSE 0 END AS passes,
            CASE WHEN b.channel IN ('hotline', 'suggestion_box') AND b.u2 < 0.06 THEN 200 + b.u3 * 600 ELSE 0 END AS entered_s
          FROM base b JOIN categories c ON c.code = b.category
        ), times AS (
          SELECT l.*,
            l.entered_s + CASE WHEN l.alerted THEN 240 + l.u3 * 300 ELSE 5 + l.u3 * 40 END AS offer_s
          FROM lags l
        ), steps AS (
          SELECT t.*,
            t.offer_s + t.passes * 130 + 10 + t.u5 * t.u5 * 300 AS accept_s,
            t.offer_s + t.passes * 130 + 10 + t.u5 * t.u5 * 300 + 40 + t.u6 * t.u6 * 700 AS respond_s
          FROM times t
        )
        SELECT s.*,
          s.respond_s + 600 + s.u2 * s.res_target * CASE WHEN s.u3 < 0.05 THEN 1.3 ELSE 0.9 END AS resolve_s,
          -- Reopened tickets: resolved, reopened 15 minutes later, resolved again an hour after the first time.
          s.respond_s + 600 + s.u2 * s.res_target * CASE WHEN s.u3 < 0.05 THEN 1.3 ELSE 0.9 END + CASE WHEN s.reopened THEN 3600 ELSE 0 END AS fin_s
        FROM steps s WHERE s.reported_at <= ${new Date(nowMs)}`;
      const at = (col: string) => tx`(g.reported_at + make_interval(secs => ${tx.unsafe(col)}))`;
      const past = (col: string) => tx`CASE WHEN ${at(col)} <= ${new Date(nowMs)} THEN ${at(col)} END`;
      await tx`
        INSERT INTO tickets (street_office_id, grid_id, category, channel, urgency, status, description, lat, lng, response_target_s, resolution_target_s,
          reported_at, dispatched_at, accepted_at, responded_at, resolved_at, closed_at, escalated_at, escalation_due_at, department,
          rejected_at, reopened_at, reopen_count, ever_resolved, assignee_id, rating, reporter_name, idempotency_key)
        SELECT ${streetOfficeId}, g.grid_id, g.category, g.channel, g.urgency,
          CASE WHEN g.rejected THEN 'rejected'
            WHEN g.never THEN CASE WHEN ${past('g.offer_s')} IS NULL THEN 'reported' ELSE 'dispatched' END
            WHEN g.esc_first THEN CASE WHEN ${past('g.fin_s + 1800')} IS NOT NULL THEN 'closed' WHEN ${past('g.fin_s')} IS NOT NULL THEN 'resolved' WHEN ${past('120')} IS NOT NULL THEN 'escalated' ELSE 'reported' END
            WHEN ${past('g.fin_s + 1800')} IS NOT NULL THEN 'closed'
            WHEN ${past('g.fin_s')} IS NOT NULL THEN 'resolved'
            WHEN g.reopened AND ${past('g.resolve_s + 900')} IS NOT NULL THEN 'reopened'
            WHEN g.esc_after AND ${past('g.respond_s + 300')} IS NOT NULL THEN 'escalated'
            WHEN ${past('g.respond_s')} IS NOT NULL THEN 'responded'
            WHEN ${past('g.accept_s')} IS NOT NULL THEN 'accepted'
            WHEN ${past('g.offer_s')} IS NOT NULL THEN 'dispatched' ELSE 'reported' END,
          '压测历史工单', 39.0, 117.0, g.target, g.res_target, g.reported_at,
          CASE WHEN NOT (g.rejected OR g.esc_first) THEN ${past('g.offer_s')} END,
          CASE WHEN NOT (g.rejected OR g.esc_first OR g.never) THEN ${past('g.accept_s')} END,
          CASE WHEN NOT (g.rejected OR g.esc_first OR g.never) THEN ${past('g.respond_s')} END,
          CASE WHEN NOT (g.rejected OR g.never) THEN ${past('g.fin_s')} END,
          CASE WHEN NOT (g.rejected OR g.never) THEN ${past('g.fin_s + 1800')} END,
          CASE WHEN g.esc_first THEN ${past('120')} WHEN g.esc_after THEN ${past('g.respond_s + 300')} END,
          CASE WHEN g.esc_first THEN ${at('120 + 259200')} WHEN g.esc_after THEN ${at('g.respond_s + 300 + 259200')} END,
          CASE WHEN g.esc_first OR g.esc_after THEN 'shizheng' END,
          CASE WHEN g.rejected THEN ${at('90')} END,
          CASE WHEN g.reopened AND NOT (g.rejected OR g.never) THEN ${past('g.resolve_s + 900')} END,
          CASE WHEN g.reopened AND NOT (g.rejected OR g.never) AND ${past('g.resolve_s + 900')} IS NOT NULL THEN 1 ELSE 0 END,
          NOT (g.rejected OR g.never) AND ${past('g.resolve_s')} IS NOT NULL,
          CASE WHEN NOT (g.rejected OR g.esc_first OR g.never) AND ${past('g.accept_s')} IS NOT NULL THEN g.responder END,
          CASE WHEN NOT (g.rejected OR g.never) AND g.u4 > 0.4 AND ${past('g.fin_s + 1800')} IS NOT NULL THEN CASE WHEN g.u5 < 0.85 THEN 5 WHEN g.u5 < 0.95 THEN 4 ELSE 2 END END,
          '居民', ${key} || g.i
        FROM bench_gen g ORDER BY g.reported_at`;
      const [{ k }] = await tx<{ k: number }[]>`SELECT count(*)::int AS k FROM bench_gen`;
      tickets += k;
      const [{ n }] = await tx<{ n: number }[]>`
        WITH e AS (
          INSERT INTO ticket_events (ticket_id, at, action, actor_label, actor_responder_id)
          SELECT t.id, x.at, x.action, 'bench', x.who
          FROM bench_gen g JOIN tickets t ON t.street_office_id = ${streetOfficeId} AND t.idempotency_key = ${key} || g.i
          CROSS JOIN LATERAL (VALUES
            ('report', ${at('g.entered_s')}, NULL::bigint),
            ('alert', CASE WHEN g.alerted AND NOT g.rejected THEN ${at('g.entered_s + 5')} END, NULL),
            ('reject', CASE WHEN g.rejected THEN ${at('90')} END, NULL),
            ('escalate', t.escalated_at, NULL),
            ('dispatch', t.dispatched_at, NULL),
            ('decline', CASE WHEN g.passes >= 1 AND t.dispatched_at IS NOT NULL THEN ${past('g.offer_s + 60')} END, g.responder),
            ('dispatch', CASE WHEN g.passes >= 1 AND t.dispatched_at IS NOT NULL THEN ${past('g.offer_s + 70')} END, NULL),
            ('expire', CASE WHEN g.passes >= 2 AND t.dispatched_at IS NOT NULL THEN ${past('g.offer_s + 190')} END, NULL),
            ('dispatch', CASE WHEN g.passes >= 2 AND t.dispatched_at IS NOT NULL THEN ${past('g.offer_s + 200')} END, NULL),
            ('accept', t.accepted_at, g.responder),
            ('respond', t.responded_at, g.responder),
            ('resolve', CASE WHEN g.reopened AND t.reopen_count > 0 THEN ${past('g.resolve_s')} END, g.responder),
            ('reopen', t.reopened_at, NULL),
            ('resolve', t.resolved_at, g.responder),
            ('close', t.closed_at, NULL),
            ('rate', CASE WHEN t.rating IS NOT NULL THEN t.closed_at END, NULL)
          ) AS x(action, at, who)
          WHERE x.at IS NOT NULL
          RETURNING 1)
        SELECT count(*)::int AS n FROM e`;
      events += n;
    });
    opts.log?.(`  tickets ${b.toLocaleString('en-US')} / ${opts.tickets.toLocaleString('en-US')}, events so far ${events.toLocaleString('en-US')} (${((Date.now() - t0) / 1000).toFixed(0)} s)`);
  }
  await sql`VACUUM ANALYZE tickets`;
  await sql`VACUUM ANALYZE ticket_events`;
  return { tickets, events, ms: Date.now() - t0, firstDay, lastDay: opts.today ? today : addDays(today, -1) };
}
