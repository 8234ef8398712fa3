// Open311 discovery, the service list (our categories) and service definitions (a category's questions), as documents
// for format.ts; element names and order as in the spec's examples.
import type { Sql } from '../db/connect.ts';
import { AppError } from '../../shared/errors.ts';
import { OPEN311_BASE, OPEN311_MIME, OPEN311_SPEC } from '../../shared/open311.ts';
import { attributesByCategory } from '../residents/places.ts';
import { list, type Fields, type List } from './format.ts';

export interface Jurisdiction { id: string; jurisdictionId: string; name: string; nameEn: string; utcOffsetMin: number }

/**
 * The street office a request is about. jurisdiction_id is required only when this endpoint serves several offices;
 * given, it must be one of them (404 otherwise). Empty counts as not given (the spec's "optional").
 */
export async function jurisdictionOf(sql: Sql, given: string | undefined): Promise<Jurisdiction> {
  const rows = await sql<{ id: string; jurisdiction_id: string; name: string; name_en: string; utc_offset_min: number }[]>`
    SELECT id, jurisdiction_id, name, name_en, utc_offset_min FROM street_offices ORDER BY id`;
  const toJ = (r: (typeof rows)[number]): Jurisdiction => ({ id: r.id, jurisdictionId: r.jurisdiction_id, name: r.name, nameEn: r.name_en, utcOffsetMin: r.utc_offset_min });
  if (!given) {
    if (rows.length === 1) return toJ(rows[0]);
    if (rows.length === 0) throw new AppError('not_found', 'this endpoint serves no jurisdiction yet');
    throw new AppError('bad_request', `jurisdiction_id was not provided: this endpoint serves ${rows.length} jurisdictions (${rows.map((r) => r.jurisdiction_id).join(', ')})`, 'jurisdiction_id');
  }
  const found = rows.find((r) => r.jurisdiction_id === given);
  if (!found) throw new AppError('not_found', `jurisdiction_id "${given.slice(0, 60)}" was not found`, 'jurisdiction_id');
  return toJ(found);
}

interface CategoryRow { code: string; name_zh: string; name_en: string; group_zh: string; group_en: string; response_target_s: number; resolution_target_s: number; updated_at: Date }

async function categoryRows(sql: Sql, code?: string): Promise<CategoryRow[]> {
  return sql<CategoryRow[]>`
    SELECT code, name_zh, name_en, group_zh, group_en, response_target_s, resolution_target_s, updated_at FROM categories
    ${code ? sql`WHERE code = ${code}` : sql``} ORDER BY group_position, group_zh, code`;
}

/** "Sortable field that specifies the last time this document was updated": the catalogue's last change. */
async function changeset(sql: Sql): Promise<string> {
  const [row] = await sql<{ at: Date | null }[]>`
    SELECT greatest((SELECT max(updated_at) FROM categories), (SELECT max(updated_at) FROM category_attributes)) AS at`;
  return (row.at ?? new Date(0)).toISOString().slice(0, 16).replace('T', ' ');
}

export async function discovery(sql: Sql, baseUrl: string): Promise<Fields> {
  const offices = await sql<{ name: string; jurisdiction_id: string }[]>`SELECT name, jurisdiction_id FROM street_offices ORDER BY id`;
  const cs = await changeset(sql);
  return {
    changeset: cs,
    contact: `${offices.map((o) => `${o.name}（jurisdiction_id ${o.jurisdiction_id}）`).join('、') || '街道办事处'} · 请联系街道指挥中心值班室 · contact the street office's command room`,
    key_service: '接口密钥由街道系统管理员签发（系统管理 → Open311 接口密钥） · API keys are issued by the street office\'s administrator',
    endpoints: list('endpoint', [{
      specification: OPEN311_SPEC,
      url: `${baseUrl.replace(/\/+$/, '')}${OPEN311_BASE}`,
      changeset: cs,
      type: 'production',
      formats: list('format', [...OPEN311_MIME]),
    }]),
  };
}

export async function serviceList(sql: Sql): Promise<List> {
  const [rows, attrs] = await Promise.all([categoryRows(sql), attributesByCategory(sql)]);
  return list('service', rows.map((c) => ({
    service_code: c.code,
    service_name: c.name_zh,
    description: `${c.name_zh} · ${c.name_en}：${serviceTargets(c)}`,
    metadata: (attrs.get(c.code) ?? []).length > 0,
    type: 'realtime',
    keywords: [c.name_en, c.group_zh, c.group_en].join(', '),
    group: c.group_zh,
  })));
}

const serviceTargets = (c: Pick<CategoryRow, 'response_target_s' | 'resolution_target_s'>) =>
  `${Math.round(c.response_target_s / 60)} 分钟内响应，${Math.round((c.resolution_target_s / 3600) * 10) / 10} 小时内办结`;

export async function serviceDefinition(sql: Sql, code: string): Promise<Fields> {
  const [c] = await categoryRows(sql, code);
  if (!c) throw new AppError('not_found', `service_code "${code.slice(0, 40)}" was not found`, 'service_code');
  const defs = (await attributesByCategory(sql, code)).get(code) ?? [];
  return {
    service_code: c.code,
    attributes: list('attribute', defs.map((d, i) => ({
      variable: d.variable,
      code: d.code,
      datatype: d.datatype,
      required: d.required,
      datatype_description: d.hint,
      order: i + 1,
      description: `${d.description.zh} · ${d.description.en}`,
      values: d.choices.length ? list('value', d.choices.map((v) => ({ key: v.key, name: `${v.zh} · ${v.en}` }))) : undefined,
    }))),
  };
}
