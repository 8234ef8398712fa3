// Loads grid boundaries from GeoJSON: validates every polygon, refuses overlaps, creates communities by name.
import area from '@turf/area';
import intersect from '@turf/intersect';
import kinks from '@turf/kinks';
import { featureCollection, polygon as turfPolygon } from '@turf/helpers';
import type { z } from 'zod';
import type { Sql } from '../db/connect.ts';
import { AppError } from '../../shared/errors.ts';
import { bbox, type PolygonCoords } from '../../shared/geo.ts';
import { describeZodError, gridCollection } from '../../shared/schemas.ts';
import { labelPoint } from './label.ts';

/** Overlaps smaller than this (m²) are rounding noise along shared edges. */
const OVERLAP_TOLERANCE_M2 = 1;

export interface ImportResult { communities: number; grids: number; created: number; updated: number }
type Collection = z.infer<typeof gridCollection>;

/** Checks the collection and returns the first problem as a readable message, or null. */
export function validateGrids(input: unknown, onProgress: (done: number, total: number) => void = () => {}): { ok: true; data: Collection } | { ok: false; message: string } {
  const parsed = gridCollection.safeParse(input);
  if (!parsed.success) return { ok: false, message: `invalid GeoJSON: ${describeZodError(parsed.error).message}` };
  const fc = parsed.data;
  const items = fc.features.map((f, i) => {
    const label = `feature #${i + 1} (${f.properties.name})`;
    const coords = f.geometry.coordinates as PolygonCoords;
    return { label, coords, box: bbox(coords) };
  });
  for (const it of items) {
    for (const ring of it.coords) {
      const [a, b] = [ring[0], ring[ring.length - 1]];
      if (a[0] !== b[0] || a[1] !== b[1]) return { ok: false, message: `${it.label}: polygon ring is not closed` };
    }
    if (kinks(turfPolygon(it.coords)).features.length > 0) return { ok: false, message: `${it.label}: polygon intersects itself` };
  }
  for (let i = 0; i < items.length; i++) {
    onProgress(i + 1, items.length);
    for (let j = i + 1; j < items.length; j++) {
      const a = items[i], b = items[j];
      if (a.box.maxLng <= b.box.minLng || b.box.maxLng <= a.box.minLng || a.box.maxLat <= b.box.minLat || b.box.maxLat <= a.box.minLat) continue;
      const common = intersect(featureCollection([turfPolygon(a.coords), turfPolygon(b.coords)]));
      if (common && area(common) > OVERLAP_TOLERANCE_M2) {
        return { ok: false, message: `${a.label} and ${b.label} overlap by ${Math.round(area(common))} m²` };
      }
    }
  }
  const codes = new Set<string>();
  for (const [i, f] of fc.features.entries()) {
    const code = f.properties.code ?? f.properties.name;
    if (codes.has(code)) return { ok: false, message: `feature #${i + 1}: duplicate grid code "${code}"` };
    codes.add(code);
  }
  return { ok: true, data: fc };
}

/** Imports (or updates, matched by code) the grids of one street office in one transaction. */
export async function importGrids(sql: Sql, streetOfficeId: string, input: unknown, onProgress?: (done: number, total: number) => void): Promise<ImportResult> {
  const checked = validateGrids(input, onProgress);
  if (!checked.ok) throw new AppError('bad_request', checked.message);
  const fc = checked.data;
  return sql.begin(async (tx) => {
    const communityIds = new Map<string, string>();
    let created = 0, updated = 0;
    for (const f of fc.features) {
      const name = f.properties.community;
      if (!communityIds.has(name)) {
        const [c] = await tx<{ id: string }[]>`
          INSERT INTO communities (street_office_id, name, name_en) VALUES (${streetOfficeId}, ${name}, ${f.properties.communityEn ?? ''})
          ON CONFLICT (street_office_id, name) DO UPDATE SET name = EXCLUDED.name RETURNING id`;
        communityIds.set(name, c.id);
      }
      const coords = f.geometry.coordinates as PolygonCoords;
      const box = bbox(coords);
      const label = labelPoint(coords);
      const [g] = await tx<{ inserted: boolean }[]>`
        INSERT INTO grids (street_office_id, community_id, code, name, polygon, min_lng, min_lat, max_lng, max_lat, label_lat, label_lng)
        VALUES (${streetOfficeId}, ${communityIds.get(name)!}, ${f.properties.code ?? f.properties.name}, ${f.properties.name}, ${tx.json(coords as never)},
          ${box.minLng}, ${box.minLat}, ${box.maxLng}, ${box.maxLat}, ${label.lat}, ${label.lng})
        ON CONFLICT (street_office_id, code) DO UPDATE SET community_id = EXCLUDED.community_id, name = EXCLUDED.name, polygon = EXCLUDED.polygon,
          min_lng = EXCLUDED.min_lng, min_lat = EXCLUDED.min_lat, max_lng = EXCLUDED.max_lng, max_lat = EXCLUDED.max_lat,
          label_lat = EXCLUDED.label_lat, label_lng = EXCLUDED.label_lng
        RETURNING (xmax = 0) AS inserted`;
      if (g.inserted) created++; else updated++;
    }
    return { communities: communityIds.size, grids: fc.features.length, created, updated };
  });
}
