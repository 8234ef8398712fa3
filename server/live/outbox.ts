// Publishing into the change stream inside the writer's transaction (transactional outbox).
import type postgres from 'postgres';
import type { Change } from '../../shared/events.ts';
import { ADVISORY_LOCKS } from '../db/locks.ts';

/** Serialises publishers from insert to commit so that seq order equals commit order: readers never skip a late commit. */
const OUTBOX_LOCK = ADVISORY_LOCKS.outbox;
export const CHANGES_CHANNEL = 'gridops_changes';

type Tx = postgres.TransactionSql<Record<string, never>>;
export type ChangeBody = Change extends infer C ? (C extends Change ? Omit<C, 'seq'> : never) : never;

export type { Audience } from '../../shared/visibility.ts';
import type { Audience } from '../../shared/visibility.ts';

/** Publishes changes; they reach screens only if the transaction commits. Call as late as possible in the tx. */
export async function publish(tx: Tx, items: Array<{ audience: Audience; change: ChangeBody }>): Promise<void> {
  if (items.length === 0) return;
  await tx`SELECT pg_advisory_xact_lock(${OUTBOX_LOCK})`;
  await tx`
    INSERT INTO changes (street_office_id, grid_ids, responder_ids, payload)
    SELECT * FROM jsonb_to_recordset(${tx.json(items.map((i) => ({
      street_office_id: i.audience.streetOfficeId,
      grid_ids: i.audience.gridIds,
      responder_ids: i.audience.responderIds,
      payload: i.change,
    })) as never)}) AS x(street_office_id bigint, grid_ids bigint[], responder_ids bigint[], payload jsonb)`;
  await tx`SELECT pg_notify(${CHANGES_CHANNEL}, '')`;
}
