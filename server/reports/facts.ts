// One row per ticket with what the reports need from it and its history (first offer, first acceptance, offers that
// passed, alerts, who responded): the raw side of every report, of the rollup builder and of the naive bench query.
import type postgres from 'postgres';
import { responseClockSql } from '../tickets/response-clock.ts';

export type Fragment = postgres.PendingQuery<postgres.Row[]>;

/** The columns of a facts row, in order: factsSql() yields them and report_facts (migration 020) stores them. */
export const FACT_COLUMNS = [
  'id', 'street_office_id', 'grid_id', 'community_id', 'category', 'channel', 'status', 'day', 'hour',
  'reported_at', 'response_target_s', 'responded_at', 'resolution_target_s', 'resolved_at', 'escalated_at', 'escalation_due_at',
  'rating', 'reopen_count', 'ever_resolved', 'entered_at', 'first_offer_at', 'first_accept_at', 'first_escalated_at',
  'passes', 'alerted', 'responder_id',
] as const;
export type Q = postgres.Sql<Record<string, never>> | postgres.TransactionSql<Record<string, never>>;

/**
 * A subquery (to be aliased) over `tickets t` filtered by `where`, with the columns the clocks of
 * server/tickets/response-clock.ts expect (status, reported_at, responded_at, response_target_s, resolution_target_s,
 * resolved_at, escalated_at, escalation_due_at) and the history-derived ones the why-late rules read, each counted up
 * to the response deadline. Without `events` the history columns are null (the wall's KPI board needs none).
 */
export function factsSql(sql: Q, where: Fragment, opts: { events?: boolean } = {}): Fragment {
  const events = opts.events ?? true;
  const clock = responseClockSql(sql, 't');
  const history = events
    ? sql`LEFT JOIN LATERAL (
        SELECT min(x.at) FILTER (WHERE x.action = 'report') AS entered_at,
          min(x.at) FILTER (WHERE x.action = 'dispatch') AS first_offer_at,
          min(x.first_accept) AS first_accept_at,
          min(x.at) FILTER (WHERE x.action = 'escalate') AS first_escalated_at,
          count(*) FILTER (WHERE x.action IN ('decline', 'expire') AND x.at <= ${clock.deadline}
            AND (x.first_accept IS NULL OR x.at < x.first_accept))::int AS passes,
          coalesce(bool_or(x.action = 'alert' AND x.at <= ${clock.deadline}), false) AS alerted,
          (array_agg(x.actor_responder_id ORDER BY x.id) FILTER (WHERE x.action = 'respond' AND x.actor_responder_id IS NOT NULL))[1] AS responded_by
        FROM (SELECT e.id, e.at, e.action, e.actor_responder_id, min(e.at) FILTER (WHERE e.action = 'accept') OVER () AS first_accept
              FROM ticket_events e WHERE e.ticket_id = t.id) x
      ) h ON true`
    : sql``;
  const h = (col: string, type: string) => (events ? sql`h.${sql(col)}` : sql`NULL::${sql.unsafe(type)}`);
  return sql`(
    SELECT t.id, t.street_office_id, t.grid_id, g.community_id, t.category, t.channel, t.status,
      report_local_day(t.reported_at, so.utc_offset_min) AS day,
      extract(hour FROM (t.reported_at AT TIME ZONE 'UTC') + make_interval(mins => so.utc_offset_min))::int AS hour,
      t.reported_at, t.response_target_s, t.responded_at, t.resolution_target_s, t.resolved_at,
      t.escalated_at, t.escalation_due_at, t.rating, t.reopen_count, t.ever_resolved,
      ${h('entered_at', 'timestamptz')} AS entered_at, ${h('first_offer_at', 'timestamptz')} AS first_offer_at,
      ${h('first_accept_at', 'timestamptz')} AS first_accept_at, ${h('first_escalated_at', 'timestamptz')} AS first_escalated_at,
      coalesce(${h('passes', 'int')}, 0) AS passes, coalesce(${h('alerted', 'boolean')}, false) AS alerted,
      coalesce(${h('responded_by', 'bigint')}, t.assignee_id) AS responder_id
    FROM tickets t
    JOIN grids g ON g.id = t.grid_id
    JOIN street_offices so ON so.id = t.street_office_id
    ${history}
    WHERE ${where}
  )`;
}
