// Public reads for the report page: a street office's map and categories, and where a place is (its grid, or the
// nearest community to call when it is outside every grid). Outlines and names only: grids are public information.
import type postgres from 'postgres';
import type { Sql } from '../db/connect.ts';
import type { Config } from '../config.ts';
import { AppError } from '../../shared/errors.ts';
import { distanceM, pointInPolygon, type PolygonCoords } from '../../shared/geo.ts';
import type { PlaceAnswer, PublicAttribute, PublicCategory, PublicCommunity, PublicGrid, ReportContext } from '../../shared/residents.ts';

type Q = Sql | postgres.TransactionSql<Record<string, never>>;

/** The grid (of any street office) a point is in. */
export async function gridAnywhere(q: Q, lat: number, lng: number): Promise<{ id: string; streetOfficeId: string; name: string; communityName: string } | null> {
  const rows = await q<{ id: string; street_office_id: string; name: string; community_name: string; polygon: PolygonCoords }[]>`
    SELECT g.id, g.street_office_id, g.name, c.name AS community_name, g.polygon FROM grids g JOIN communities c ON c.id = g.community_id
    WHERE g.min_lng <= ${lng} AND g.max_lng >= ${lng} AND g.min_lat <= ${lat} AND g.max_lat >= ${lat} ORDER BY g.id`;
  const g = rows.find((r) => pointInPolygon({ lat, lng }, r.polygon));
  return g ? { id: g.id, streetOfficeId: g.street_office_id, name: g.name, communityName: g.community_name } : null;
}

/** The community whose grid's centre is nearest: whom to call about a place outside every grid. */
export async function nearestCommunity(q: Q, lat: number, lng: number): Promise<PublicCommunity | null> {
  // A box of ±0.5° is plenty for "nearest" and keeps the scan to the office's own grids.
  const rows = await q<{ id: string; name: string; phone: string | null; label_lat: number; label_lng: number }[]>`
    SELECT c.id, c.name, c.phone, g.label_lat, g.label_lng FROM grids g JOIN communities c ON c.id = g.community_id
    WHERE g.label_lat BETWEEN ${lat - 0.5} AND ${lat + 0.5} AND g.label_lng BETWEEN ${lng - 0.5} AND ${lng + 0.5}`;
  let best: (typeof rows)[number] | null = null;
  let bestM = Infinity;
  for (const r of rows) {
    const d = distanceM({ lat, lng }, { lat: r.label_lat, lng: r.label_lng });
    if (d < bestM) { best = r; bestM = d; }
  }
  return best ? { id: best.id, name: best.name, phone: best.phone } : null;
}

export async function locate(q: Q, lat: number, lng: number): Promise<PlaceAnswer> {
  const grid = await gridAnywhere(q, lat, lng);
  if (grid) return { grid: { id: grid.id, name: grid.name, communityName: grid.communityName }, nearest: null };
  return { grid: null, nearest: await nearestCommunity(q, lat, lng) };
}

interface AttributeRow { category: string; code: string; datatype: PublicAttribute['datatype']; required: boolean; variable: boolean; description_zh: string; description_en: string; datatype_description: string | null; choices: PublicAttribute['choices'] }

export async function attributesByCategory(q: Q, category?: string): Promise<Map<string, PublicAttribute[]>> {
  const rows = await q<AttributeRow[]>`
    SELECT category, code, datatype, required, variable, description_zh, description_en, datatype_description, choices
    FROM category_attributes ${category ? q`WHERE category = ${category}` : q``} ORDER BY category, position`;
  const out = new Map<string, PublicAttribute[]>();
  for (const r of rows) {
    const list = out.get(r.category) ?? [];
    list.push({ code: r.code, datatype: r.datatype, required: r.required, variable: r.variable, description: { zh: r.description_zh, en: r.description_en }, hint: r.datatype_description, choices: r.choices });
    out.set(r.category, list);
  }
  return out;
}

export async function publicCategories(q: Q): Promise<PublicCategory[]> {
  const [rows, attrs] = await Promise.all([
    q<{ code: string; name_zh: string; name_en: string; group_zh: string; group_en: string; urgency: 'normal' | 'urgent'; response_target_s: number }[]>`
      SELECT code, name_zh, name_en, group_zh, group_en, urgency, response_target_s FROM categories ORDER BY group_position, group_zh, code`,
    attributesByCategory(q),
  ]);
  return rows.map((r) => ({ code: r.code, zh: r.name_zh, en: r.name_en, group: { zh: r.group_zh, en: r.group_en }, urgency: r.urgency, responseTargetMin: r.response_target_s / 60, attributes: attrs.get(r.code) ?? [] }));
}

/**
 * The report page's start: the street office of the poster's grid or community (?grid, ?community), else of the
 * given place, else the first one; its grid outlines, communities and the categories.
 */
export async function reportContext(sql: Sql, config: Config, opts: { grid?: string; community?: string }): Promise<ReportContext> {
  let officeId: string | null = null;
  if (opts.grid) officeId = (await sql<{ so: string }[]>`SELECT street_office_id AS so FROM grids WHERE id = ${opts.grid}`)[0]?.so ?? null;
  else if (opts.community) officeId = (await sql<{ so: string }[]>`SELECT street_office_id AS so FROM communities WHERE id = ${opts.community}`)[0]?.so ?? null;
  if ((opts.grid || opts.community) && !officeId) throw new AppError('not_found', '二维码上的网格不存在 · the grid on this QR code does not exist');
  officeId ??= (await sql<{ id: string }[]>`SELECT id FROM street_offices ORDER BY id LIMIT 1`)[0]?.id ?? null;
  if (!officeId) throw new AppError('not_found', 'no street office is set up yet');
  const [office] = await sql<{ id: string; name: string; name_en: string; center_lat: number; center_lng: number }[]>`
    SELECT id, name, name_en, center_lat, center_lng FROM street_offices WHERE id = ${officeId}`;
  const [grids, communities, categories] = await Promise.all([
    sql<{ id: string; name: string; community_id: string; community_name: string; polygon: PolygonCoords; label_lat: number; label_lng: number }[]>`
      SELECT g.id, g.name, g.community_id, c.name AS community_name, g.polygon, g.label_lat, g.label_lng
      FROM grids g JOIN communities c ON c.id = g.community_id WHERE g.street_office_id = ${officeId} ORDER BY g.id`,
    sql<PublicCommunity[]>`SELECT id, name, phone FROM communities WHERE street_office_id = ${officeId} ORDER BY id`,
    publicCategories(sql),
  ]);
  const publicGrids: PublicGrid[] = grids.map((g) => ({ id: g.id, name: g.name, communityId: g.community_id, communityName: g.community_name, polygon: g.polygon, labelLat: g.label_lat, labelLng: g.label_lng }));
  return {
    streetOffice: { id: office.id, name: office.name, nameEn: office.name_en },
    map: { tileUrl: config.tileUrl, tileCrs: config.tileCrs, tileAttribution: config.tileAttribution, center: [office.center_lat, office.center_lng], zoom: 15 },
    grids: publicGrids,
    communities,
    categories,
    presetGrid: opts.grid ? publicGrids.find((g) => g.id === opts.grid) ?? null : null,
    presetCommunity: opts.community ? communities.find((c) => c.id === opts.community) ?? null : null,
  };
}
