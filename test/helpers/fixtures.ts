// Looks up demo data by its domain names instead of assuming ids.
import type { Sql } from '../../server/db/connect.ts';
import { importGrids } from '../../server/grids/import.ts';

export interface GridRef { id: string; code: string; communityName: string; lat: number; lng: number }

export async function gridByCode(sql: Sql, code: string): Promise<GridRef> {
  const [g] = await sql<{ id: string; code: string; community_name: string; label_lat: number; label_lng: number }[]>`
    SELECT g.id, g.code, c.name AS community_name, g.label_lat, g.label_lng FROM grids g JOIN communities c ON c.id = g.community_id WHERE g.code = ${code}`;
  if (!g) throw new Error(`no grid ${code}`);
  return { id: g.id, code: g.code, communityName: g.community_name, lat: g.label_lat, lng: g.label_lng };
}

/** The username and responder id of the n-th demo responder (r001 …) with a home grid. */
export async function responderUser(sql: Sql, username: string): Promise<{ responderId: string; gridIds: string[] }> {
  const [r] = await sql<{ responder_id: string; grid_ids: string[] }[]>`
    SELECT u.responder_id, ARRAY(SELECT grid_id::text FROM responder_grids WHERE responder_id = u.responder_id) AS grid_ids FROM users u WHERE username = ${username}`;
  return { responderId: r.responder_id, gridIds: r.grid_ids };
}

/** A demo responder account whose home grid is `gridId`. */
export async function responderIn(sql: Sql, gridId: string, skip = 0): Promise<{ username: string; responderId: string }> {
  const rows = await sql<{ username: string; responder_id: string }[]>`
    SELECT u.username, u.responder_id FROM users u JOIN responder_grids rg ON rg.responder_id = u.responder_id
    WHERE rg.grid_id = ${gridId} ORDER BY u.id`;
  return { username: rows[skip].username, responderId: rows[skip].responder_id };
}

export function newTicket(g: GridRef, over: Record<string, unknown> = {}) {
  return { category: 'clutter', channel: 'hotline', description: '楼道堆放杂物', lat: g.lat, lng: g.lng, reporterName: '张三', reporterPhone: '13812345678', ...over };
}

export async function noAutoDispatch(sql: Sql) {
  await sql`UPDATE grids SET auto_dispatch = false`;
}

/** A second street office with one grid and nothing else: what "another street office" reads as (404) is tried on it. */
export async function otherStreetOffice(sql: Sql): Promise<{ id: string; gridId: string }> {
  const [so] = await sql<{ id: string }[]>`INSERT INTO street_offices (name, center_lat, center_lng) VALUES ('新华区东环中街街道', 38.32, 116.86) RETURNING id`;
  await importGrids(sql, so.id, { type: 'FeatureCollection', features: [{ type: 'Feature', properties: { name: '1号网格', community: '兴元社区' }, geometry: { type: 'Polygon', coordinates: [[[116.9, 38.4], [116.91, 38.4], [116.91, 38.41], [116.9, 38.41], [116.9, 38.4]]] } }] });
  const [g] = await sql<{ id: string }[]>`SELECT id FROM grids WHERE street_office_id = ${so.id}`;
  return { id: so.id, gridId: g.id };
}
