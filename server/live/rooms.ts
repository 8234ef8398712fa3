// Room names. Each socket joins exactly one "live" room named by its scope (so a delta chain has one cursor),
// plus position rooms, and session/user rooms used to disconnect it.
import type { LiveScope } from '../../shared/events.ts';

export const sessionRoom = (sessionId: string) => `session:${sessionId}`;
export const userRoom = (userId: string) => `user:${userId}`;
export const responderRoom = (responderId: string) => `responder:${responderId}`;
/** Every socket opened with one display token: revoking the token disconnects them all. */
export const displayRoom = (displayTokenId: string) => `display:${displayTokenId}`;
/** Sockets from one client address, counted for the per-address cap. */
export const addressRoom = (address: string) => `addr:${address}`;

/** live:<streetOffice>:so | live:<so>:g:<sorted grid ids> | live:<so>:r:<responder id> */
export function liveRoom(scope: LiveScope): string {
  if (scope.kind === 'street_office') return `live:${scope.streetOfficeId}:so`;
  if (scope.kind === 'grids') return `live:${scope.streetOfficeId}:g:${[...scope.gridIds].sort((a, b) => Number(a) - Number(b)).join(',')}`;
  return `live:${scope.streetOfficeId}:r:${scope.responderId}`;
}

export type ParsedLiveRoom = { streetOfficeId: string } & ({ kind: 'so' } | { kind: 'g'; gridIds: Set<string> } | { kind: 'r'; responderId: string });

export function parseLiveRoom(room: string): ParsedLiveRoom | null {
  const m = /^live:(\d+):(so|g|r)(?::(.*))?$/.exec(room);
  if (!m) return null;
  if (m[2] === 'so') return { streetOfficeId: m[1], kind: 'so' };
  if (m[2] === 'g') return { streetOfficeId: m[1], kind: 'g', gridIds: new Set((m[3] ?? '').split(',').filter(Boolean)) };
  return { streetOfficeId: m[1], kind: 'r', responderId: m[3] ?? '' };
}

/** Position broadcasts (latest-wins, unsequenced) go to a street-office room and per-grid rooms. */
export const positionsOfficeRoom = (streetOfficeId: string) => `pos:so:${streetOfficeId}`;
export const positionsGridRoom = (gridId: string) => `pos:g:${gridId}`;

export function positionRooms(scope: LiveScope): string[] {
  if (scope.kind === 'street_office') return [positionsOfficeRoom(scope.streetOfficeId)];
  if (scope.kind === 'grids') return scope.gridIds.map(positionsGridRoom);
  return [];
}

/** Does a change addressed to (street office, grids, responder) reach this live room? */
export function reaches(room: ParsedLiveRoom, change: { streetOfficeId: string; gridIds: string[]; responderId: string | null }): boolean {
  if (room.streetOfficeId !== change.streetOfficeId) return false;
  if (room.kind === 'so') return true;
  if (room.kind === 'g') return change.gridIds.some((g) => room.gridIds.has(g));
  return change.responderId === room.responderId;
}
