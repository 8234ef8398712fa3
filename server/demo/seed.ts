// Seeds the demo street office once (an empty database only): organisation, grids, people, accounts, history.
import type { Sql } from '../db/connect.ts';
import { hashPassword } from '../auth/passwords.ts';
import { importGrids } from '../grids/import.ts';
import type { ResponderKind } from '../../shared/domain.ts';
import { CATEGORIES, CATEGORY_ATTRIBUTES, CATEGORY_GROUPS, COMMUNITIES, DEMO_PASSWORD, DEPARTMENTS, GIVEN, PRIVATE_CATEGORIES, STREET_OFFICE, SURNAMES } from './data.ts';
import { demoCells, prng } from './geometry.ts';
import { seedHistory } from './history.ts';

export interface SeedResult { seeded: boolean; streetOfficeId: string }

/** Kinds of responder per grid and street-office wide, roughly as the seed articles describe them. */
const PER_GRID: ResponderKind[] = ['fulltime', 'parttime', 'party_member'];
const OFFICE_WIDE: Array<{ kind: ResponderKind; n: number; team?: string; skills?: string[] }> = [
  { kind: 'volunteer', n: 12, team: '帮帮团·电动车维修', skills: ['repair_ebike'] },
  { kind: 'volunteer', n: 12, team: '帮帮团·家电维修', skills: ['repair_appliance'] },
  { kind: 'volunteer', n: 8, team: '帮帮团·义诊', skills: ['clinic', 'elder_care'] },
  { kind: 'volunteer', n: 6, team: '帮帮团·法律援助', skills: ['legal'] },
  { kind: 'volunteer', n: 10, team: '帮帮团·水电维修', skills: ['plumbing_electric'] },
  { kind: 'volunteer', n: 6, team: '帮帮团·理发', skills: ['haircut'] },
  { kind: 'building_head', n: 24, skills: ['general', 'mediation'] },
  { kind: 'property_staff', n: 16, team: '物业服务中心', skills: ['property', 'plumbing_electric'] },
  { kind: 'partner', n: 6, team: '社区合伙人', skills: ['general'] },
];

export async function seedDemoIfEmpty(sql: Sql, opts: { historyDays?: number } = {}): Promise<SeedResult> {
  const existing = await sql<{ id: string }[]>`SELECT id FROM street_offices ORDER BY id LIMIT 1`;
  if (existing[0]) return { seeded: false, streetOfficeId: existing[0].id };
  const rnd = prng(42);
  const pick = <T>(xs: T[]) => xs[Math.floor(rnd() * xs.length)];
  const personName = () => pick(SURNAMES) + pick(GIVEN) + (rnd() < 0.6 ? pick(GIVEN) : '');
  const phone = () => '1' + pick(['38', '39', '58', '86', '35', '37']) + String(Math.floor(rnd() * 1e8)).padStart(8, '0');

  const [so] = await sql<{ id: string }[]>`
    INSERT INTO street_offices (name, name_en, center_lat, center_lng) VALUES (${STREET_OFFICE.name}, ${STREET_OFFICE.nameEn}, ${STREET_OFFICE.lat}, ${STREET_OFFICE.lng}) RETURNING id`;
  const soId = so.id;
  const groupOf = (code: string) => CATEGORY_GROUPS.find((g) => g.codes.includes(code)) ?? { zh: '综合', en: 'General' };
  const groupPosition = (code: string) => CATEGORY_GROUPS.findIndex((g) => g.codes.includes(code)) + 1 || 99;
  await sql`INSERT INTO categories ${sql(CATEGORIES.map((c) => ({
    code: c.code, name_zh: c.zh, name_en: c.en, urgency: c.urgency, skill: c.skill, response_target_s: c.responseMin * 60, resolution_target_s: c.resolutionH * 3600,
    group_zh: groupOf(c.code).zh, group_en: groupOf(c.code).en, group_position: groupPosition(c.code), public_detail: !PRIVATE_CATEGORIES.includes(c.code),
  })))} ON CONFLICT (code) DO NOTHING`;
  const position = new Map<string, number>();
  await sql`INSERT INTO category_attributes ${sql(CATEGORY_ATTRIBUTES.map((a) => {
    const n = (position.get(a.category) ?? 0) + 1;
    position.set(a.category, n);
    return { category: a.category, code: a.code, datatype: a.datatype, required: a.required, position: n, description_zh: a.zh, description_en: a.en, datatype_description: a.hint ?? null, choices: sql.json(a.choices ?? []) };
  }))} ON CONFLICT DO NOTHING`;
  await sql`INSERT INTO departments ${sql(DEPARTMENTS.map((d) => ({ code: d.code, name_zh: d.zh, name_en: d.en })))} ON CONFLICT (code) DO NOTHING`;

  // Grids go through the same import (and its overlap checks) that real boundaries use.
  const cells = demoCells(STREET_OFFICE.lat, STREET_OFFICE.lng);
  const perCommunity = new Map<number, number>();
  await importGrids(sql, soId, {
    type: 'FeatureCollection',
    features: cells.map((c) => {
      const n = (perCommunity.get(c.community) ?? 0) + 1;
      perCommunity.set(c.community, n);
      const com = COMMUNITIES[c.community];
      return { type: 'Feature', properties: { name: `${n}号网格`, community: com.name, communityEn: com.en, code: `${String(c.community + 1).padStart(2, '0')}-${n}` }, geometry: { type: 'Polygon', coordinates: c.polygon } };
    }),
  });
  const grids = await sql<{ id: string; community_id: string; label_lat: number; label_lng: number; code: string }[]>`
    SELECT id, community_id, label_lat, label_lng, code FROM grids WHERE street_office_id = ${soId} ORDER BY code`;
  const communities = await sql<{ id: string; name: string }[]>`SELECT id, name FROM communities WHERE street_office_id = ${soId} ORDER BY id`;
  // Each community's 24-hour secretary phone (社区书记联系卡), offered to residents outside every grid.
  for (const [i, c] of communities.entries()) await sql`UPDATE communities SET phone = ${`0317-206${1001 + i}`} WHERE id = ${c.id}`;

  // Compounds (小区) for address search: three per community, placed in its grids.
  const compounds = communities.flatMap((c) => {
    const mine = grids.filter((g) => g.community_id === c.id);
    const names = COMMUNITIES.find((x) => x.name === c.name)?.compounds ?? [];
    return names.map((name, i) => ({ grid_id: mine[i % mine.length].id, name, lat: mine[i % mine.length].label_lat + (rnd() - 0.5) * 0.001, lng: mine[i % mine.length].label_lng + (rnd() - 0.5) * 0.001 }));
  });
  await sql`INSERT INTO compounds ${sql(compounds)}`;

  const hash = await hashPassword(DEMO_PASSWORD);
  const users: Array<{ username: string; role: string; display_name: string; responder_id?: string | null }> = [
    { username: 'admin', role: 'admin', display_name: '系统管理员' },
    { username: 'duty', role: 'duty', display_name: '值班员 王丽' },
    { username: 'manager', role: 'manager', display_name: '街道主任 李强' },
  ];
  await sql`INSERT INTO users ${sql(users.map((u) => ({ ...u, street_office_id: soId, password_hash: hash, responder_id: null })), 'street_office_id', 'username', 'password_hash', 'role', 'display_name', 'responder_id')}`;
  for (const [i, c] of communities.entries()) {
    const [leader] = await sql<{ id: string }[]>`
      INSERT INTO users (street_office_id, username, password_hash, role, display_name)
      VALUES (${soId}, ${`leader${String(i + 1).padStart(2, '0')}`}, ${hash}, 'leader', ${`网格长 ${personName()}（${c.name}）`}) RETURNING id`;
    const mine = grids.filter((g) => g.community_id === c.id);
    await sql`INSERT INTO user_grids ${sql(mine.map((g) => ({ user_id: leader.id, grid_id: g.id })))}`;
  }

  // Responders: three per grid (full-time, part-time rider, party member), plus street-office-wide teams.
  const responders: Array<{ kind: ResponderKind; skills: string[]; team: string | null; grids: string[] }> = [];
  for (const g of grids) for (const kind of PER_GRID) {
    responders.push({ kind, skills: kind === 'fulltime' ? ['general', 'mediation'] : ['general'], team: kind === 'parttime' ? pick(['美团骑手', '饿了么骑手', '顺丰快递', '京东快递']) : null, grids: [g.id] });
  }
  for (const t of OFFICE_WIDE) for (let k = 0; k < t.n; k++) {
    const home = pick(grids);
    const sameCommunity = grids.filter((g) => g.community_id === home.community_id).map((g) => g.id);
    responders.push({ kind: t.kind, skills: t.skills ?? ['general'], team: t.team ?? null, grids: sameCommunity });
  }
  const inserted = await sql<{ id: string }[]>`
    INSERT INTO responders ${sql(responders.map((r) => ({ street_office_id: soId, name: personName(), phone: phone(), kind: r.kind, skills: r.skills, team: r.team })))} RETURNING id`;
  await sql`INSERT INTO responder_grids ${sql(inserted.flatMap((r, i) => responders[i].grids.map((g) => ({ responder_id: r.id, grid_id: g }))))}`;
  await sql`INSERT INTO users ${sql(inserted.map((r, i) => ({
    street_office_id: soId, username: `r${String(i + 1).padStart(3, '0')}`, password_hash: hash, role: 'responder', display_name: `${responders[i].kind === 'fulltime' ? '网格员' : '志愿者'} ${i + 1}`, responder_id: r.id,
  })))}`;
  await sql`UPDATE users u SET display_name = r.name FROM responders r WHERE u.responder_id = r.id`;

  await seedHistory(sql, soId, opts.historyDays ?? 3);
  return { seeded: true, streetOfficeId: soId };
}
