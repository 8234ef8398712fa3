// Finds the grid a location belongs to: bounding boxes in SQL narrow the candidates, point-in-polygon decides.
import type postgres from 'postgres';
import { pointInPolygon, type PolygonCoords } from '../../shared/geo.ts';

type Q = postgres.Sql<Record<string, never>> | postgres.TransactionSql<Record<string, never>>;

export async function findGridAt(q: Q, streetOfficeId: string, lat: number, lng: number): Promise<string | null> {
  const candidates = await q<{ id: string; polygon: PolygonCoords }[]>`
    SELECT id, polygon FROM grids
    WHERE street_office_id = ${streetOfficeId}
      AND min_lng <= ${lng} AND max_lng >= ${lng} AND min_lat <= ${lat} AND max_lat >= ${lat}
    ORDER BY id`;
  return candidates.find((g) => pointInPolygon({ lat, lng }, g.polygon))?.id ?? null;
}
