// SLA states change with time alone: this job turns "80% elapsed" and "deadline passed" into stream changes, so
// the KPI boards follow (a ticket unanswered past its target lowers today's on-time rate) and stream consumers learn
// of them at one moment. Screens colour tickets themselves with the same rule on server time (shared/sla.ts).
import type { Sql } from '../db/connect.ts';
import { responseClockSql } from '../tickets/response-clock.ts';
import { publish, type Audience, type ChangeBody } from './outbox.ts';

export async function emitSlaTransitions(sql: Sql): Promise<number> {
  return sql.begin(async (tx) => {
    const [state] = await tx<{ last: Date; now: Date }[]>`
      INSERT INTO job_state (name, last_run_at) VALUES ('sla_clock', now() - interval '2 seconds')
      ON CONFLICT (name) DO UPDATE SET last_run_at = job_state.last_run_at
      RETURNING last_run_at AS last, clock_timestamp() AS now`;
    // Warning from 80% of the target (inclusive); breached strictly after the deadline (shared/sla.ts, as SQL).
    const clock = responseClockSql(tx);
    const due = await tx<{ id: string; street_office_id: string; grid_id: string; state: 'warning' | 'breached'; at: Date }[]>`
      SELECT id, street_office_id, grid_id, 'warning' AS state, ${clock.warningAt} AS at
      FROM tickets t
      WHERE ${clock.running} AND ${clock.warningAt} > ${state.last} AND ${clock.warningAt} <= ${state.now}
      UNION ALL
      SELECT id, street_office_id, grid_id, 'breached', ${clock.deadline}
      FROM tickets t
      WHERE ${clock.running} AND ${clock.deadline} >= ${state.last} AND ${clock.deadline} < ${state.now}
      ORDER BY at`;
    const items: Array<{ audience: Audience; change: ChangeBody }> = due.map((d) => ({
      audience: { streetOfficeId: d.street_office_id, gridIds: [d.grid_id], responderIds: [] },
      change: { kind: 'sla', ticketId: d.id, state: d.state, at: d.at.toISOString() },
    }));
    await publish(tx, items);
    await tx`UPDATE job_state SET last_run_at = ${state.now} WHERE name = 'sla_clock'`;
    return items.length;
  });
}
