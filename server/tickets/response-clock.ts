// The response clock of shared/sla.ts as SQL over a tickets row, built from the same constants (never retyped):
// the SLA job, the KPI board, the `overdue` filter and the reports all decide lateness with these fragments.
import type postgres from 'postgres';
import { CLOCK_EXCLUDED_STATUSES, WARNING_FRACTION, type ResponseClockState } from '../../shared/sla.ts';

type Fragment = postgres.PendingQuery<postgres.Row[]>;
type Q = postgres.Sql<Record<string, never>> | postgres.TransactionSql<Record<string, never>>;
/** "Now" for time-dependent states: a bound instant (reports, tests) or the database's own clock (`sql\`now()\``). */
export type Now = Date | Fragment;

/**
 * The constants become SQL literals, not parameters, so that the planner can match partial indexes such as
 * `tickets_awaiting_response` (… WHERE responded_at IS NULL AND status <> 'rejected'). They come from our own code;
 * the guard keeps anything else out.
 */
function literalList(values: readonly string[]): string {
  for (const v of values) if (!/^[a-z_]+$/.test(v)) throw new Error(`not a status literal: ${v}`);
  return values.length === 0 ? "(NULL::text)" : `(${values.map((v) => `'${v}'`).join(', ')})`;
}
function literalNumber(n: number): string {
  if (!Number.isFinite(n)) throw new Error(`not a finite number: ${n}`);
  return String(n);
}

export interface ClockSql {
  /** The status is excluded from the promise (rejected): never due, shown as excluded. */
  excluded: Fragment;
  /** Awaiting response: not responded and not excluded (the clock runs). */
  running: Fragment;
  deadline: Fragment;
  warningAt: Fragment;
  /** Running and past the deadline at `now` (strictly after it: a response exactly at the deadline is on time). */
  overdue(now: Now): Fragment;
  /** The response was due at `now`: responded, or running past the deadline. */
  due(now: Now): Fragment;
  /** Responded within the target (a response exactly at the deadline counts). */
  onTime: Fragment;
  /** Due and not on time: responded late, or still running past the deadline. */
  late(now: Now): Fragment;
  /** The clock's position at `now` as text: one of RESPONSE_CLOCK_STATES. */
  state(now: Now): Fragment;
}

/** The clock over the tickets row aliased `alias` (columns status, reported_at, responded_at, response_target_s). */
export function responseClockSql(sql: Q, alias = 't'): ClockSql {
  const col = (c: string) => sql(`${alias}.${c}`);
  const excluded = sql`(${col('status')} IN ${sql.unsafe(literalList(CLOCK_EXCLUDED_STATUSES))})`;
  const notExcluded = sql`(${col('status')} NOT IN ${sql.unsafe(literalList(CLOCK_EXCLUDED_STATUSES))})`;
  const deadline = sql`(${col('reported_at')} + make_interval(secs => ${col('response_target_s')}))`;
  const warningAt = sql`(${col('reported_at')} + make_interval(secs => ${col('response_target_s')} * ${sql.unsafe(literalNumber(WARNING_FRACTION))}))`;
  const running = sql`(${col('responded_at')} IS NULL AND ${notExcluded})`;
  const onTime = sql`(${notExcluded} AND ${col('responded_at')} <= ${deadline})`;
  const lit = (s: ResponseClockState) => sql.unsafe(`'${s}'`);
  const state = (now: Now) => sql`(CASE
      WHEN ${excluded} THEN ${lit('excluded')}
      WHEN ${col('responded_at')} IS NOT NULL THEN CASE WHEN ${col('responded_at')} <= ${deadline} THEN ${lit('met')} ELSE ${lit('missed')} END
      WHEN ${now}::timestamptz > ${deadline} THEN ${lit('breached')}
      WHEN ${now}::timestamptz >= ${warningAt} THEN ${lit('warning')}
      ELSE ${lit('ok')} END)`;
  return {
    excluded, running, deadline, warningAt, onTime,
    overdue: (now) => sql`(${running} AND ${deadline} < ${now}::timestamptz)`,
    due: (now) => sql`(${notExcluded} AND (${col('responded_at')} IS NOT NULL OR ${deadline} < ${now}::timestamptz))`,
    late: (now) => sql`(${notExcluded} AND (${col('responded_at')} > ${deadline} OR (${col('responded_at')} IS NULL AND ${deadline} < ${now}::timestamptz)))`,
    state,
  };
}

/** The resolution target (shared/sla.ts resolutionState) over the same row: resolution_target_s, resolved_at. */
export function resolutionClockSql(sql: Q, alias = 't') {
  const col = (c: string) => sql(`${alias}.${c}`);
  const notExcluded = sql`(${col('status')} NOT IN ${sql.unsafe(literalList(CLOCK_EXCLUDED_STATUSES))})`;
  const deadline = sql`(${col('reported_at')} + make_interval(secs => ${col('resolution_target_s')}))`;
  return {
    deadline,
    /** Resolved, or unresolved past the target (strictly after it). */
    due: (now: Now) => sql`(${notExcluded} AND (${col('resolved_at')} IS NOT NULL OR ${deadline} < ${now}::timestamptz))`,
    onTime: sql`(${notExcluded} AND ${col('resolved_at')} <= ${deadline})`,
    /** Still counting: not excluded, unresolved. */
    running: sql`(${notExcluded} AND ${col('resolved_at')} IS NULL)`,
  };
}

/** The department's clock of an escalated ticket (shared/sla.ts escalationClock): escalation_due_at, resolved_at. */
export function escalationClockSql(sql: Q, alias = 't') {
  const col = (c: string) => sql(`${alias}.${c}`);
  const escalated = sql`(${col('escalated_at')} IS NOT NULL AND ${col('status')} NOT IN ${sql.unsafe(literalList(CLOCK_EXCLUDED_STATUSES))})`;
  return {
    escalated,
    due: (now: Now) => sql`(${escalated} AND (${col('resolved_at')} IS NOT NULL OR ${col('escalation_due_at')} < ${now}::timestamptz))`,
    onTime: sql`(${escalated} AND ${col('resolved_at')} <= ${col('escalation_due_at')})`,
    running: sql`(${escalated} AND ${col('resolved_at')} IS NULL)`,
  };
}
