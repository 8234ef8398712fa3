// Who sees what, once. Every reader of tickets and responders — REST lists and detail reads, snapshots, the change
// stream's fan-out to rooms, dispatch candidates, reports — decides with this rule (server SQL is built from the same
// cases in server/auth/scope-sql.ts; test/visibility.test.ts proves the two agree row by row).
import type { LiveScope } from './events.ts';

/** The kinds of scope, as data: adding one without teaching every reader fails the agreement test. */
export const SCOPE_KINDS = ['street_office', 'grids', 'responder'] as const satisfies ReadonlyArray<LiveScope['kind']>;
export type Scope = LiveScope;

/**
 * What a row or a change is about: its street office, its grids, and the responders it concerns (those a ticket is
 * offered or assigned to; a responder's own record).
 */
export interface Audience { streetOfficeId: string; gridIds: string[]; responderIds: string[] }

/**
 * May a scope see it? The whole street office sees all of its street office; a grid scope (a grid leader, a
 * community's wall link) what touches one of its grids; a responder only what concerns them.
 */
export function sees(scope: Scope, a: Audience): boolean {
  if (a.streetOfficeId !== scope.streetOfficeId) return false;
  switch (scope.kind) {
    case 'street_office': return true;
    case 'grids': return a.gridIds.some((g) => scope.gridIds.includes(g));
    case 'responder': return a.responderIds.includes(scope.responderId);
    default: return unknownScope(scope);
  }
}

function unknownScope(scope: never): never {
  throw new Error(`unknown scope kind ${(scope as { kind: string }).kind}`);
}

/** A ticket is about its grid and about the responders it is offered (an open offer) or assigned to. */
export function ticketAudience(t: { streetOfficeId: string; gridId: string; assigneeId: string | null; offer?: { responderId: string } | null }): Audience {
  const responderIds = [t.offer?.responderId, t.assigneeId].filter((r): r is string => !!r);
  return { streetOfficeId: t.streetOfficeId, gridIds: [t.gridId], responderIds: [...new Set(responderIds)] };
}

/** A responder is about their home grids, and about themselves. */
export function responderAudience(r: { streetOfficeId: string; id: string; gridIds: string[] }): Audience {
  return { streetOfficeId: r.streetOfficeId, gridIds: r.gridIds, responderIds: [r.id] };
}
