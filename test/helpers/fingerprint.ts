// One value over everything a client's request could change, to prove that a refused request changed nothing: per
// table, the row count and the newest row version (xmin: every insert and update writes a new one; a delete lowers
// the count). Left out on purpose: what the server writes on its own, or by design even for a refused request — the
// change stream and job state (the SLA clock), display links (their last use is noted at each handshake) and
// rate-limit counters (a refused sign-in counts).
import type { Sql } from '../../server/db/connect.ts';

const TABLES = ['tickets', 'ticket_events', 'offers', 'action_keys', 'ticket_photos', 'users', 'sessions', 'phone_reveals',
  'responders', 'responder_grids', 'positions', 'latest_positions', 'grids', 'communities', 'user_grids', 'open311_keys', 'open311_pending',
  'category_attributes', 'categories'] as const;

export async function dbFingerprint(sql: Sql): Promise<string> {
  const parts = TABLES.map((t) => `(SELECT count(*) || ':' || coalesce(max(xmin::text::bigint), 0) FROM ${t})`).join(` || '|' || `);
  const [row] = await sql.unsafe<{ h: string }[]>(`SELECT ${parts} AS h`);
  return row.h;
}
