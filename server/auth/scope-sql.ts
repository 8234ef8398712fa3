// The visibility rule of shared/visibility.ts as SQL fragments, case by case from the same scope kinds, for every
// query that reads tickets, responders or offers for someone. test/visibility.test.ts proves both agree.
import type postgres from 'postgres';
import type { Scope } from '../../shared/visibility.ts';

type Q = postgres.Sql<Record<string, never>> | postgres.TransactionSql<Record<string, never>>;
type Fragment = postgres.PendingQuery<postgres.Row[]>;

/** Tickets `t` the scope sees: `t` is the tickets table; a responder sees those offered (open offer) or assigned to them. */
export function ticketsInScope(q: Q, scope: Scope): Fragment {
  const office = q`t.street_office_id = ${scope.streetOfficeId}`;
  switch (scope.kind) {
    case 'street_office': return office;
    case 'grids': return q`${office} AND t.grid_id = ANY(${scope.gridIds}::bigint[])`;
    case 'responder': return q`${office} AND (t.assignee_id = ${scope.responderId}
      OR EXISTS (SELECT 1 FROM offers vo WHERE vo.ticket_id = t.id AND vo.responder_id = ${scope.responderId} AND vo.status = 'offered'))`;
  }
}

/** Responders `r` the scope sees: a grid scope those with a home grid among its grids, a responder only themselves. */
export function respondersInScope(q: Q, scope: Scope): Fragment {
  const office = q`r.street_office_id = ${scope.streetOfficeId}`;
  switch (scope.kind) {
    case 'street_office': return office;
    case 'grids': return q`${office} AND EXISTS (SELECT 1 FROM responder_grids vg WHERE vg.responder_id = r.id AND vg.grid_id = ANY(${scope.gridIds}::bigint[]))`;
    case 'responder': return q`${office} AND r.id = ${scope.responderId}`;
  }
}

/** Open offers `o` on tickets `t` the scope sees: an offer is about its ticket's grid and the responder offered it. */
export function offersInScope(q: Q, scope: Scope): Fragment {
  const office = q`t.street_office_id = ${scope.streetOfficeId}`;
  switch (scope.kind) {
    case 'street_office': return office;
    case 'grids': return q`${office} AND t.grid_id = ANY(${scope.gridIds}::bigint[])`;
    case 'responder': return q`${office} AND o.responder_id = ${scope.responderId}`;
  }
}
