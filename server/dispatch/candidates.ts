// Loads on-duty responders around a ticket and ranks them with the shared rule.
import type { Sql } from '../db/connect.ts';
import type { CandidateView } from '../../shared/api.ts';
import { rankCandidates } from '../../shared/dispatch.ts';
import type { Skill } from '../../shared/domain.ts';
import { scopeOf, type Principal } from '../auth/principal.ts';
import { respondersInScope } from '../auth/scope-sql.ts';
import { activeTickets, selectResponders, toResponderView } from '../responders/views.ts';

/** Auto-dispatch looks this far (degrees, ≈ 3 km) around the ticket, plus the ticket's own grid's responders. */
export const NEAR_DEG = 0.03;

interface TicketPlace { street_office_id: string; grid_id: string; lat: number; lng: number; skill: Skill }

async function ticketPlace(sql: Sql, ticketId: string): Promise<TicketPlace | undefined> {
  const [t] = await sql<TicketPlace[]>`
    SELECT t.street_office_id, t.grid_id, t.lat, t.lng, c.skill FROM tickets t JOIN categories c ON c.code = t.category WHERE t.id = ${ticketId}`;
  return t;
}

/**
 * The ids of the responders near the ticket (latest position within the box) or with its grid as a home grid: the
 * rule's "near", as a union of two small reads. As an OR over the responder ⟕ latest-position join it filtered every
 * responder of the street office (8,000 rows at city scale) on each of auto-dispatch's reads.
 */
function nearIds(sql: Sql, t: TicketPlace) {
  return sql`
    SELECT n.responder_id FROM latest_positions n
    WHERE n.lat BETWEEN ${t.lat - NEAR_DEG} AND ${t.lat + NEAR_DEG} AND n.lng BETWEEN ${t.lng - NEAR_DEG} AND ${t.lng + NEAR_DEG}
    UNION SELECT h.responder_id FROM responder_grids h WHERE h.grid_id = ${t.grid_id}`;
}

/** Responders `r` near the ticket or in its grid (nearIds), and who have not passed on it. */
function nearAndNotPassed(sql: Sql, t: TicketPlace, ticketId: string, nearOnly: boolean, excludePassed: boolean) {
  return sql`
    ${nearOnly ? sql`AND r.id IN (${nearIds(sql, t)})` : sql``}
    ${excludePassed ? sql`AND NOT EXISTS (SELECT 1 FROM offers o WHERE o.ticket_id = ${ticketId} AND o.responder_id = r.id AND o.status IN ('declined', 'expired'))` : sql``}`;
}

const rankFor = (t: TicketPlace) => ({ position: { lat: t.lat, lng: t.lng }, gridId: t.grid_id, skill: t.skill });

export async function candidatesFor(sql: Sql, ticketId: string, p: Principal | null, excludePassed = false, nearOnly = false): Promise<CandidateView[]> {
  const t = await ticketPlace(sql, ticketId);
  if (!t) return [];
  // Whoever asks dispatches only the responders they see (a leader: those of their own grids); auto-dispatch sees the
  // ticket's whole street office.
  const scope = p ? scopeOf(p) : { kind: 'street_office' as const, streetOfficeId: t.street_office_id };
  const rows = await selectResponders(sql, sql`
    ${respondersInScope(sql, scope)} AND r.street_office_id = ${t.street_office_id} AND r.duty_status <> 'off_duty'
    ${nearAndNotPassed(sql, t, ticketId, nearOnly, excludePassed)}`);
  const views = rows.map(toResponderView);
  const ranked = rankCandidates(rankFor(t), views.map((v) => ({ ...v, position: v.lat != null && v.lng != null ? { lat: v.lat, lng: v.lng } : null })));
  return ranked.map((r) => {
    const { position: _p, ...responder } = r.candidate;
    return { responder, distanceM: r.distanceM, etaS: r.etaS, hasSkill: r.hasSkill, inHomeGrid: r.inHomeGrid, score: r.score };
  });
}

/**
 * Auto-dispatch's shortlist: the `limit` best available responders near the ticket who have not passed on it, in the
 * order of the same rule as the console's list (candidatesFor near only, without passed, available only). Read lean,
 * as only their ids are used: at a city's size a ticket's surroundings hold a thousand responders, and every expired
 * offer asks again.
 */
export async function autoDispatchShortlist(sql: Sql, ticketId: string, limit: number): Promise<string[]> {
  const t = await ticketPlace(sql, ticketId);
  if (!t) return [];
  const rows = await sql<{ id: string; skills: Skill[]; in_home: boolean; lat: number | null; lng: number | null; active_tickets: number }[]>`
    SELECT r.id, r.skills, EXISTS (SELECT 1 FROM responder_grids h WHERE h.responder_id = r.id AND h.grid_id = ${t.grid_id}) AS in_home,
      lp.lat, lp.lng, ${activeTickets(sql)} AS active_tickets
    FROM responders r LEFT JOIN latest_positions lp ON lp.responder_id = r.id
    WHERE ${respondersInScope(sql, { kind: 'street_office', streetOfficeId: t.street_office_id })} AND r.duty_status = 'available'
    ${nearAndNotPassed(sql, t, ticketId, true, true)}`;
  // The rule asks only whether the ticket's grid is among a responder's home grids.
  const ranked = rankCandidates(rankFor(t), rows.map((r) => ({
    id: r.id, dutyStatus: 'available' as const, skills: r.skills, homeGridIds: r.in_home ? [t.grid_id] : [],
    position: r.lat != null && r.lng != null ? { lat: r.lat, lng: r.lng } : null, activeTickets: r.active_tickets,
  })));
  return ranked.slice(0, limit).map((r) => r.candidate.id);
}
