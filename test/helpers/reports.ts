// Report fixtures: a street office of its own (two communities, a grid each, two responders) and tickets written
// with back-dated times and a crafted history, so that every figure can be worked out by hand.
import type { Sql } from '../../server/db/connect.ts';

export interface FixtureOffice { soId: string; gridA: string; gridB: string; communityA: string; communityB: string; r1: string; r2: string }

let n = 0;
export async function fixtureOffice(sql: Sql): Promise<FixtureOffice> {
  const tag = `${process.pid}-${++n}`;
  const [so] = await sql<{ id: string }[]>`INSERT INTO street_offices (name, name_en, center_lat, center_lng, utc_offset_min) VALUES (${'测试街道' + tag}, 'Test', 30, 120, 480) RETURNING id`;
  const [ca] = await sql<{ id: string }[]>`INSERT INTO communities (street_office_id, name) VALUES (${so.id}, '东社区') RETURNING id`;
  const [cb] = await sql<{ id: string }[]>`INSERT INTO communities (street_office_id, name) VALUES (${so.id}, '西社区') RETURNING id`;
  const grid = async (community: string, code: string, name: string, lng: number) => {
    const ring = [[lng, 30], [lng + 0.01, 30], [lng + 0.01, 30.01], [lng, 30.01], [lng, 30]];
    const [g] = await sql<{ id: string }[]>`
      INSERT INTO grids (street_office_id, community_id, code, name, polygon, min_lng, min_lat, max_lng, max_lat, label_lat, label_lng)
      VALUES (${so.id}, ${community}, ${code + tag}, ${name}, ${sql.json([ring] as never)}, ${lng}, 30, ${lng + 0.01}, 30.01, 30.005, ${lng + 0.005}) RETURNING id`;
    return g.id;
  };
  const gridA = await grid(ca.id, 'A', '1号网格', 120), gridB = await grid(cb.id, 'B', '2号网格', 120.02);
  const [r1] = await sql<{ id: string }[]>`INSERT INTO responders (street_office_id, name, kind) VALUES (${so.id}, '李响', 'fulltime') RETURNING id`;
  const [r2] = await sql<{ id: string }[]>`INSERT INTO responders (street_office_id, name, kind) VALUES (${so.id}, '王到', 'volunteer') RETURNING id`;
  return { soId: so.id, gridA, gridB, communityA: ca.id, communityB: cb.id, r1: r1.id, r2: r2.id };
}

export type EventSpec = [action: string, atS: number, opts?: { responder?: string }];

export interface TicketSpec {
  grid: string;
  /** Reported at (the resident's time). */
  at: Date;
  status: string;
  category?: string;
  channel?: string;
  targetS?: number;
  resolutionS?: number;
  respondedS?: number | null;
  resolvedS?: number | null;
  escalatedS?: number | null;
  escalationDueS?: number | null;
  rating?: number | null;
  reopenCount?: number;
  everResolved?: boolean;
  assignee?: string | null;
  /** The history, each event at report + seconds; a `report` event at 0 is added unless one is given. */
  events?: EventSpec[];
}

/** Writes a ticket and its history directly (back-dated); returns its id. */
export async function put(sql: Sql, so: FixtureOffice, t: TicketSpec): Promise<string> {
  const at = (s: number | null | undefined) => (s == null ? null : new Date(t.at.getTime() + s * 1000));
  const [row] = await sql<{ id: string }[]>`
    INSERT INTO tickets (street_office_id, grid_id, category, channel, urgency, status, description, lat, lng, response_target_s, resolution_target_s,
      reported_at, responded_at, resolved_at, escalated_at, escalation_due_at, rating, reopen_count, ever_resolved, assignee_id)
    VALUES (${so.soId}, ${t.grid}, ${t.category ?? 'clutter'}, ${t.channel ?? 'hotline'}, 'normal', ${t.status}, 'fixture', 30.005, 120.005,
      ${t.targetS ?? 600}, ${t.resolutionS ?? 86_400}, ${t.at}, ${at(t.respondedS)}, ${at(t.resolvedS)}, ${at(t.escalatedS)}, ${at(t.escalationDueS)},
      ${t.rating ?? null}, ${t.reopenCount ?? 0}, ${t.everResolved ?? false}, ${t.assignee ?? null})
    RETURNING id`;
  const events = t.events ?? [];
  if (!events.some(([a]) => a === 'report')) events.unshift(['report', 0]);
  await sql`INSERT INTO ticket_events ${sql(events.map(([action, s, o]) => ({
    ticket_id: row.id, action, at: new Date(t.at.getTime() + s * 1000), actor_label: 'fixture', actor_responder_id: o?.responder ?? null,
  })))}`;
  return row.id;
}

/** A local (UTC+8) wall-clock time as an instant. */
export function cst(local: string): Date {
  return new Date(`${local}+08:00`);
}
