// The append-only ticket history and the ticker line each entry becomes on the wall screen.
import type postgres from 'postgres';
import type { TicketEventView, TickerEvent, TicketView } from '../../shared/api.ts';

type Tx = postgres.TransactionSql<Record<string, never>>;
type Q = postgres.Sql<Record<string, never>> | Tx;

export interface Actor { userId: string | null; responderId: string | null; label: string }

export async function appendEvent(tx: Tx, e: {
  ticketId: string; action: TicketEventView['action']; from: string | null; to: string | null; actor: Actor; reason?: string | null; data?: Record<string, unknown>;
}): Promise<{ id: string; at: Date }> {
  const [row] = await tx<{ id: string; at: Date }[]>`
    INSERT INTO ticket_events (ticket_id, action, from_status, to_status, actor_user_id, actor_responder_id, actor_label, reason, data)
    VALUES (${e.ticketId}, ${e.action}, ${e.from}, ${e.to}, ${e.actor.userId}, ${e.actor.responderId}, ${e.actor.label}, ${e.reason ?? null}, ${tx.json((e.data ?? {}) as never)})
    RETURNING id, at`;
  return row;
}

export function tickerEvent(t: TicketView, action: TicketEventView['action'], actorLabel: string, at: Date): TickerEvent {
  return { ticketId: t.id, at: at.toISOString(), action, actorLabel, category: t.category, gridName: t.gridName, communityName: t.communityName };
}

export async function ticketEvents(q: Q, ticketId: string): Promise<TicketEventView[]> {
  const rows = await q<{ id: string; ticket_id: string; at: Date; action: string; from_status: string | null; to_status: string | null; actor_label: string; reason: string | null; data: Record<string, unknown> }[]>`
    SELECT id, ticket_id, at, action, from_status, to_status, actor_label, reason, data FROM ticket_events WHERE ticket_id = ${ticketId} ORDER BY id`;
  return rows.map((r) => ({
    id: r.id, ticketId: r.ticket_id, at: r.at.toISOString(), action: r.action as TicketEventView['action'],
    fromStatus: r.from_status as TicketEventView['fromStatus'], toStatus: r.to_status as TicketEventView['toStatus'],
    actorLabel: r.actor_label, reason: r.reason, data: r.data,
  }));
}

/** The most recent events of a street office (or of some grids) for the ticker, newest first. */
export async function recentTicker(q: Q, streetOfficeId: string, gridIds: string[] | null, limit = 30): Promise<TickerEvent[]> {
  const rows = await q<{ ticket_id: string; at: Date; action: string; actor_label: string; category: string; grid_name: string; community_name: string }[]>`
    SELECT e.ticket_id, e.at, e.action, e.actor_label, t.category, g.name AS grid_name, c.name AS community_name
    FROM ticket_events e JOIN tickets t ON t.id = e.ticket_id JOIN grids g ON g.id = t.grid_id JOIN communities c ON c.id = g.community_id
    WHERE t.street_office_id = ${streetOfficeId} ${gridIds ? q`AND t.grid_id = ANY(${gridIds}::bigint[])` : q``}
    ORDER BY e.id DESC LIMIT ${limit}`;
  return rows.map((r) => ({ ticketId: r.ticket_id, at: r.at.toISOString(), action: r.action as TickerEvent['action'], actorLabel: r.actor_label, category: r.category, gridName: r.grid_name, communityName: r.community_name }));
}
