// Reads of the organisation: communities and grids of a street office.
import type postgres from 'postgres';
import type { CommunityView, GridView } from '../../shared/api.ts';
import type { PolygonCoords } from '../../shared/geo.ts';

type Q = postgres.Sql<Record<string, never>> | postgres.TransactionSql<Record<string, never>>;

export async function communitiesOf(q: Q, streetOfficeId: string): Promise<CommunityView[]> {
  const rows = await q<{ id: string; name: string; name_en: string }[]>`SELECT id, name, name_en FROM communities WHERE street_office_id = ${streetOfficeId} ORDER BY id`;
  return rows.map((r) => ({ id: r.id, name: r.name, nameEn: r.name_en }));
}

export async function gridsOf(q: Q, streetOfficeId: string, gridIds: string[] | null = null): Promise<GridView[]> {
  const rows = await q<{ id: string; code: string; name: string; community_id: string; community_name: string; polygon: PolygonCoords; label_lat: number; label_lng: number; leader_name: string | null }[]>`
    SELECT g.id, g.code, g.name, g.community_id, c.name AS community_name, g.polygon, g.label_lat, g.label_lng,
      (SELECT u.display_name FROM user_grids ug JOIN users u ON u.id = ug.user_id WHERE ug.grid_id = g.id AND u.role = 'leader' ORDER BY u.id LIMIT 1) AS leader_name
    FROM grids g JOIN communities c ON c.id = g.community_id
    WHERE g.street_office_id = ${streetOfficeId} ${gridIds ? q`AND g.id = ANY(${gridIds}::bigint[])` : q``}
    ORDER BY g.id`;
  return rows.map((r) => ({ id: r.id, code: r.code, name: r.name, communityId: r.community_id, communityName: r.community_name, polygon: r.polygon, labelLat: r.label_lat, labelLng: r.label_lng, leaderName: r.leader_name }));
}
