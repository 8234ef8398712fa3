// Loads on-duty responders around a ticket and ranks them with the shared rule.
import type { Sql } from '../db/connect.ts';
import type { CandidateView } from '../../shared/api.ts';
import { rankCandidates } from '../../shared/dispatch.ts';
import type { Skill } from '../../shared/domain.ts';
import { scopeOf, type Principal } from '../auth/principal.ts';
import { respondersInScope } from '../auth/scope-sql.ts';
import { selectResponders, toResponderView } from '../responders/views.ts';

/** Auto-dispatch looks this far (degrees, ≈ 3 km) around the ticket, plus the ticket's own grid's responders. */
const NEAR_DEG = 0.03;

export async function candidatesFor(sql: Sql, ticketId: string, p: Principal | null, excludePassed = false, nearOnly = false): Promise<CandidateView[]> {
  const [t] = await sql<{ street_office_id: string; grid_id: string; lat: number; lng: number; skill: Skill }[]>`
    SELECT t.street_office_id, t.grid_id, t.lat, t.lng, c.skill FROM tickets t JOIN categories c ON c.code = t.category WHERE t.id = ${ticketId}`;
  if (!t) return [];
  // Whoever asks dispatches only the responders they see (a leader: those of their own grids); auto-dispatch sees the
  // ticket's whole street office.
  const scope = p ? scopeOf(p) : { kind: 'street_office' as const, streetOfficeId: t.street_office_id };
  const rows = await selectResponders(sql, sql`
    ${respondersInScope(sql, scope)} AND r.street_office_id = ${t.street_office_id} AND r.duty_status <> 'off_duty'
    ${nearOnly ? sql`AND ((lp.lat BETWEEN ${t.lat - NEAR_DEG} AND ${t.lat + NEAR_DEG} AND lp.lng BETWEEN ${t.lng - NEAR_DEG} AND ${t.lng + NEAR_DEG})
      OR EXISTS (SELECT 1 FROM responder_grids h WHERE h.responder_id = r.id AND h.grid_id = ${t.grid_id}))` : sql``}
    ${excludePassed ? sql`AND NOT EXISTS (SELECT 1 FROM offers o WHERE o.ticket_id = ${ticketId} AND o.responder_id = r.id AND o.status IN ('declined', 'expired'))` : sql``}`);
  const views = rows.map(toResponderView);
  const ranked = rankCandidates(
    { position: { lat: t.lat, lng: t.lng }, gridId: t.grid_id, skill: t.skill },
    views.map((v) => ({ ...v, position: v.lat != null && v.lng != null ? { lat: v.lat, lng: v.lng } : null })),
  );
  return ranked.map((r) => {
    const { position: _p, ...responder } = r.candidate;
    return { responder, distanceM: r.distanceM, etaS: r.etaS, hasSkill: r.hasSkill, inHomeGrid: r.inHomeGrid, score: r.score };
  });
}
