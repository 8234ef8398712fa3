// The why-late rules of shared/why-late.ts as one SQL CASE over a facts row (server/reports/facts.ts), in the same
// order and with the same thresholds; test/why-late.test.ts runs both on crafted histories.
import { LATE_CAUSES, WHY_LATE_THRESHOLDS, type LateCause } from '../../shared/why-late.ts';
import { responseClockSql, type Now } from '../tickets/response-clock.ts';
import type { Fragment, Q } from './facts.ts';

const share = (sql: Q, x: number) => {
  if (!Number.isFinite(x)) throw new Error('threshold must be a number');
  return sql.unsafe(String(x));
};

/** `text` cause of a late ticket at `now`, NULL when the ticket is not late. */
export function lateCauseSql(sql: Q, now: Now, alias = 'f'): Fragment {
  const col = (c: string) => sql(`${alias}.${c}`);
  const clock = responseClockSql(sql, alias);
  const target = (x: number) => sql`make_interval(secs => ${col('response_target_s')} * ${share(sql, x)})`;
  const rules: Record<LateCause, Fragment> = {
    entered_late: sql`${col('entered_at')} IS NOT NULL AND ${col('entered_at')} - ${col('reported_at')} > ${target(WHY_LATE_THRESHOLDS.enteredLateShare)}`,
    escalated: sql`${col('first_escalated_at')} IS NOT NULL AND ${col('first_escalated_at')} <= ${clock.deadline}
      AND (${col('responded_at')} IS NULL OR ${col('first_escalated_at')} < ${col('responded_at')})`,
    no_one_available: sql`${col('alerted')}`,
    dispatch_late: sql`${col('first_offer_at')} IS NULL OR ${col('first_offer_at')} - ${col('reported_at')} > ${target(WHY_LATE_THRESHOLDS.dispatchLateShare)}`,
    offers_passed: sql`${col('passes')} > 0`,
    accepted_late: sql`${col('first_accept_at')} IS NULL OR ${col('first_accept_at')} - ${col('reported_at')} > ${target(WHY_LATE_THRESHOLDS.acceptLateShare)}`,
    slow_to_arrive: sql`true`,
  };
  const whens = LATE_CAUSES.map((c) => sql`WHEN ${rules[c]} THEN ${sql.unsafe(`'${c}'`)}`);
  return sql`(CASE WHEN NOT coalesce(${clock.late(now)}, false) THEN NULL ${whens.reduce((a, b) => sql`${a} ${b}`)} END)`;
}
