// Room names, made and read only here. Each socket joins exactly one "live" room named by its scope (so a delta
// chain has one cursor), plus position rooms, and session/user/display/address rooms used to cap and disconnect it.
import type { LiveScope } from '../../shared/events.ts';

export const sessionRoom = (sessionId: string) => `session:${sessionId}`;
export const userRoom = (userId: string) => `user:${userId}`;
export const responderRoom = (responderId: string) => `responder:${responderId}`;
/** Every socket opened with one display token: revoking the token disconnects them all. */
export const displayRoom = (displayTokenId: string) => `display:${displayTokenId}`;
/** Sockets from one client address, counted for the per-address cap. */
export const addressRoom = (address: string) => `addr:${address}`;

/** The tracking namespace's room of one ticket: every open tracking page of it. */
export const trackRoom = (ticketId: string) => `track:${ticketId}`;

/** live:<streetOffice>:so | live:<so>:g:<sorted grid ids> | live:<so>:r:<responder id> */
export function liveRoom(scope: LiveScope): string {
  if (scope.kind === 'street_office') return `live:${scope.streetOfficeId}:so`;
  if (scope.kind === 'grids') return `live:${scope.streetOfficeId}:g:${[...scope.gridIds].sort((a, b) => Number(a) - Number(b)).join(',')}`;
  return `live:${scope.streetOfficeId}:r:${scope.responderId}`;
}

/** The scope a live room is named for: liveRoom's inverse (room names are made and read only here). */
export function scopeOfRoom(room: string): LiveScope | null {
  const m = /^live:(\d+):(so|g|r)(?::(.*))?$/.exec(room);
  if (!m) return null;
  if (m[2] === 'so') return { kind: 'street_office', streetOfficeId: m[1] };
  if (m[2] === 'g') return { kind: 'grids', streetOfficeId: m[1], gridIds: (m[3] ?? '').split(',').filter(Boolean) };
  // A responder room's scope carries no grids: what a responder sees is what concerns them (shared/visibility.ts).
  return { kind: 'responder', streetOfficeId: m[1], responderId: m[3] ?? '', gridIds: [] };
}

/** Live rooms whose scope sees KPI boards: every room of the street office but responders'. */
export function officeBoardRooms(rooms: Iterable<string>, streetOfficeId: string): string[] {
  const out: string[] = [];
  for (const room of rooms) {
    const scope = scopeOfRoom(room);
    if (scope && scope.streetOfficeId === streetOfficeId && scope.kind !== 'responder') out.push(room);
  }
  return out;
}

/** Position broadcasts (latest-wins, unsequenced) go to a street-office room and per-grid rooms. */
export const positionsOfficeRoom = (streetOfficeId: string) => `pos:so:${streetOfficeId}`;
export const positionsGridRoom = (gridId: string) => `pos:g:${gridId}`;

export function positionRooms(scope: LiveScope): string[] {
  if (scope.kind === 'street_office') return [positionsOfficeRoom(scope.streetOfficeId)];
  if (scope.kind === 'grids') return scope.gridIds.map(positionsGridRoom);
  return [];
}
