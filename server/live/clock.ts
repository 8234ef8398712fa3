// SLA states change with time alone: this job turns "80% elapsed" and "deadline passed" into stream changes,
// so every screen learns of them at the same moment without polling.
import type { Sql } from '../db/connect.ts';
import { WARNING_FRACTION } from '../../shared/sla.ts';
import { publish, type Audience, type ChangeBody } from './outbox.ts';

export async function emitSlaTransitions(sql: Sql): Promise<number> {
  return sql.begin(async (tx) => {
    const [state] = await tx<{ last: Date; now: Date }[]>`
      INSERT INTO job_state (name, last_run_at) VALUES ('sla_clock', now() - interval '2 seconds')
      ON CONFLICT (name) DO UPDATE SET last_run_at = job_state.last_run_at
      RETURNING last_run_at AS last, clock_timestamp() AS now`;
    // Warning from 80% of the target (inclusive); breached strictly after the deadline.
    const due = await tx<{ id: string; street_office_id: string; grid_id: string; state: 'warning' | 'breached'; at: Date }[]>`
      SELECT id, street_office_id, grid_id, 'warning' AS state, reported_at + make_interval(secs => response_target_s * ${WARNING_FRACTION}::float8) AS at
      FROM tickets
      WHERE responded_at IS NULL AND status <> 'rejected'
        AND reported_at + make_interval(secs => response_target_s * ${WARNING_FRACTION}::float8) > ${state.last}
        AND reported_at + make_interval(secs => response_target_s * ${WARNING_FRACTION}::float8) <= ${state.now}
      UNION ALL
      SELECT id, street_office_id, grid_id, 'breached', reported_at + make_interval(secs => response_target_s)
      FROM tickets
      WHERE responded_at IS NULL AND status <> 'rejected'
        AND reported_at + make_interval(secs => response_target_s) >= ${state.last}
        AND reported_at + make_interval(secs => response_target_s) < ${state.now}
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
