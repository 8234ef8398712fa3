// Who is asking: a signed-in user with a role and scope, or a read-only wall-screen display.
import { AppError } from '../../shared/errors.ts';
import type { Role } from '../../shared/domain.ts';
import type { Me } from '../../shared/api.ts';
import type { LiveScope } from '../../shared/events.ts';
import { sees, ticketAudience } from '../../shared/visibility.ts';

export type Principal =
  | { kind: 'user'; userId: string; sessionId: string; sessionExpiresAt: string | null; role: Role; streetOfficeId: string; responderId: string | null; gridIds: string[]; displayName: string; username: string }
  /** A wall-screen link: the whole street office, or one community's grids (gridIds). */
  | { kind: 'display'; displayTokenId: string; streetOfficeId: string; gridIds: string[] | null };

/** A signed-in user (as opposed to a wall screen's display link). */
export type UserPrincipal = Extract<Principal, { kind: 'user' }>;

export function toMe(p: Principal): Me | null {
  if (p.kind !== 'user') return null;
  return { id: p.userId, username: p.username, role: p.role, displayName: p.displayName, streetOfficeId: p.streetOfficeId, responderId: p.responderId, gridIds: p.gridIds };
}

/** The scope a principal reads in (shared/visibility.ts says what each scope sees). */
export function scopeOf(p: Principal): LiveScope {
  if (p.kind === 'display') return p.gridIds ? { kind: 'grids', streetOfficeId: p.streetOfficeId, gridIds: p.gridIds } : { kind: 'street_office', streetOfficeId: p.streetOfficeId };
  if (p.role === 'leader') return { kind: 'grids', streetOfficeId: p.streetOfficeId, gridIds: p.gridIds };
  if (p.role === 'responder') return { kind: 'responder', streetOfficeId: p.streetOfficeId, responderId: p.responderId!, gridIds: p.gridIds };
  return { kind: 'street_office', streetOfficeId: p.streetOfficeId };
}

/**
 * May `p` see this ticket (the shared rule)? Another street office's ticket reads as not found; one outside the
 * caller's scope in the same office as forbidden.
 */
export function assertTicketVisible(p: Principal, t: Parameters<typeof ticketAudience>[0]): void {
  if (t.streetOfficeId !== p.streetOfficeId) throw new AppError('not_found', 'no such ticket');
  const scope = scopeOf(p);
  if (sees(scope, ticketAudience(t))) return;
  throw new AppError('forbidden', scope.kind === 'responder' ? 'this ticket is not offered or assigned to you' : 'this ticket is outside your grids');
}
