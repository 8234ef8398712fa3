// Reads tickets as TicketView (the wire shape): one query shape for the REST API, snapshots and the change stream.
import type postgres from 'postgres';
import type { TicketView } from '../../shared/api.ts';
import { maskName, maskPhone } from '../../shared/domain.ts';

type Q = postgres.Sql<Record<string, never>> | postgres.TransactionSql<Record<string, never>>;

export interface TicketRow {
  id: string; street_office_id: string; community_id: string; community_name: string; grid_id: string; grid_name: string;
  category: string; channel: string; urgency: string; status: string; description: string; lat: number; lng: number;
  address: string | null; reporter_name: string | null; reporter_phone: string | null;
  reported_at: Date; dispatched_at: Date | null; accepted_at: Date | null; responded_at: Date | null; resolved_at: Date | null;
  closed_at: Date | null; escalated_at: Date | null; rejected_at: Date | null; reopened_at: Date | null; department_accepted_at: Date | null;
  response_target_s: number; resolution_target_s: number; assignee_id: string | null; assignee_name: string | null;
  offer_id: string | null; offer_responder_id: string | null; offer_responder_name: string | null; offer_at: Date | null; offer_expires_at: Date | null;
  department: string | null; escalation_due_at: Date | null; duplicate_of: string | null; rating: number | null;
  reopen_count: number; photo_count: number; version: number;
}

/** Selects full ticket rows matching a where-fragment (built with the same `q`). */
export function selectTickets(q: Q, where: postgres.PendingQuery<postgres.Row[]>, tail?: postgres.PendingQuery<postgres.Row[]>) {
  return q<TicketRow[]>`
    SELECT t.*, g.community_id, c.name AS community_name, g.name AS grid_name, a.name AS assignee_name,
      o.id AS offer_id, o.responder_id AS offer_responder_id, orr.name AS offer_responder_name,
      o.offered_at AS offer_at, o.expires_at AS offer_expires_at,
      (SELECT count(*)::int FROM ticket_photos p WHERE p.ticket_id = t.id) AS photo_count
    FROM tickets t
    JOIN grids g ON g.id = t.grid_id
    JOIN communities c ON c.id = g.community_id
    LEFT JOIN responders a ON a.id = t.assignee_id
    LEFT JOIN offers o ON o.ticket_id = t.id AND o.status = 'offered'
    LEFT JOIN responders orr ON orr.id = o.responder_id
    WHERE ${where} ${tail ?? q``}`;
}

const iso = (d: Date | null) => (d ? d.toISOString() : null);

export function toTicketView(r: TicketRow): TicketView {
  return {
    id: r.id, streetOfficeId: r.street_office_id, communityId: r.community_id, communityName: r.community_name,
    gridId: r.grid_id, gridName: r.grid_name, category: r.category, channel: r.channel as TicketView['channel'],
    urgency: r.urgency as TicketView['urgency'], status: r.status as TicketView['status'], description: r.description,
    lat: r.lat, lng: r.lng, address: r.address, reporterName: maskName(r.reporter_name), reporterPhoneMasked: maskPhone(r.reporter_phone),
    reportedAt: r.reported_at.toISOString(), dispatchedAt: iso(r.dispatched_at), acceptedAt: iso(r.accepted_at),
    respondedAt: iso(r.responded_at), resolvedAt: iso(r.resolved_at), closedAt: iso(r.closed_at), escalatedAt: iso(r.escalated_at),
    rejectedAt: iso(r.rejected_at), reopenedAt: iso(r.reopened_at), responseTargetS: r.response_target_s,
    resolutionTargetS: r.resolution_target_s, assigneeId: r.assignee_id, assigneeName: r.assignee_name,
    offer: r.offer_id ? { id: r.offer_id, responderId: r.offer_responder_id!, responderName: r.offer_responder_name!, offeredAt: r.offer_at!.toISOString(), expiresAt: r.offer_expires_at!.toISOString() } : null,
    department: r.department, escalationDueAt: iso(r.escalation_due_at), departmentAcceptedAt: iso(r.department_accepted_at),
    duplicateOf: r.duplicate_of, rating: r.rating, reopenCount: r.reopen_count, photoCount: r.photo_count, version: r.version,
  };
}

export async function ticketView(q: Q, id: string): Promise<TicketView | null> {
  const rows = await selectTickets(q, q`t.id = ${id}`);
  return rows[0] ? toTicketView(rows[0]) : null;
}
