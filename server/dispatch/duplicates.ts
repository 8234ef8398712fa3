// Possible duplicates nearby (same category, within a radius, still live) and the reports already linked to a ticket.
import type { z } from 'zod';
import type { Sql } from '../db/connect.ts';
import type { TicketView } from '../../shared/api.ts';
import type { DuplicateView, duplicatesQuery } from '../../shared/dispatch-api.ts';
import { distanceM } from '../../shared/geo.ts';
import { LIVE_STATUSES } from '../../shared/tickets.ts';
import { scopeOf, type Principal } from '../auth/principal.ts';
import { ticketsInScope } from '../auth/scope-sql.ts';
import { visibleTicket } from '../tickets/queries.ts';
import { selectTickets, toTicketView } from '../tickets/views.ts';

const M_PER_DEG_LAT = 111_320;
const MAX_RESULTS = 10;

/**
 * Live tickets (resolved ones too: a second call about a "resolved" problem usually means it is not) of the same
 * category near a point, in the caller's scope, nearest first. A bounding box in SQL narrows, the exact distance decides.
 */
export async function findDuplicates(sql: Sql, p: Principal, q: z.infer<typeof duplicatesQuery>): Promise<DuplicateView[]> {
  const dLat = q.radiusM / M_PER_DEG_LAT;
  const dLng = q.radiusM / (M_PER_DEG_LAT * Math.max(0.01, Math.cos((q.lat * Math.PI) / 180)));
  const rows = await selectTickets(sql, sql`${ticketsInScope(sql, scopeOf(p))}
    AND t.category = ${q.category} AND t.status = ANY(${LIVE_STATUSES as string[]})
    AND t.lat BETWEEN ${q.lat - dLat} AND ${q.lat + dLat} AND t.lng BETWEEN ${q.lng - dLng} AND ${q.lng + dLng}
    ${q.excludeId ? sql`AND t.id <> ${q.excludeId}` : sql``}`, sql`ORDER BY t.id DESC LIMIT 200`);
  return rows
    .map((r) => ({ ticket: toTicketView(r), distanceM: Math.round(distanceM({ lat: q.lat, lng: q.lng }, { lat: r.lat, lng: r.lng })) }))
    .filter((d) => d.distanceM <= q.radiusM)
    .sort((a, b) => a.distanceM - b.distanceM || Number(b.ticket.id) - Number(a.ticket.id))
    .slice(0, MAX_RESULTS);
}

/** Reports recorded as duplicates of a ticket (other callers about the same problem), oldest first. */
export async function linkedReports(sql: Sql, p: Principal, ticketId: string): Promise<TicketView[]> {
  await visibleTicket(sql, p, ticketId);
  const rows = await selectTickets(sql, sql`${ticketsInScope(sql, scopeOf(p))} AND t.duplicate_of = ${ticketId}`, sql`ORDER BY t.id LIMIT 100`);
  return rows.map(toTicketView);
}
