// City-scale data for benchmarks (bench/run.ts, bench/wall.ts): one street office with ~1,500 tiled grids, 10,000
// on-duty responders with accounts, session tokens and latest positions, and thousands of open tickets, written in bulk.
// Not used by the product: the demo seed (seed.ts) goes through the services; this writes rows directly so that a
// city appears in seconds, not minutes (10,000 logins alone would cost 10,000 argon2 hashes).
import type { Sql } from '../db/connect.ts';
import { hashPassword } from '../auth/passwords.ts';
import { createDisplayToken, newToken, tokenHash } from '../auth/sessions.ts';
import { labelPoint } from '../grids/label.ts';
import { bbox, type PolygonCoords } from '../../shared/geo.ts';
import type { ResponderKind } from '../../shared/domain.ts';
import { CATEGORIES, CELL_LAT, CELL_LNG, DEMO_PASSWORD, DEPARTMENTS, GIVEN, SURNAMES } from './data.ts';
import { prng } from './geometry.ts';
import { pointInGrid, weighted } from './history.ts';

export interface ScaleOptions {
  grids?: number;
  responders?: number;
  openTickets?: number;
  /** Use this street office instead of creating one; the lattice is then placed east of its existing grids. */
  streetOfficeId?: string;
  /** Usernames are `<prefix>-r00001…` and `<prefix>-duty` (usernames are unique across street offices). */
  prefix?: string;
  seed?: number;
  sessionTtlHours?: number;
}

export interface ScaleResponder { id: string; userId: string; username: string; token: string; homeGridId: string; lat: number; lng: number }
export interface ScaleResult {
  streetOfficeId: string;
  grids: Array<{ id: string; lat: number; lng: number }>;
  responders: ScaleResponder[];
  /** An office account (role duty) that may create tickets; password is DEMO_PASSWORD. */
  duty: { username: string; userId: string; token: string };
  displayToken: string;
  ms: number;
}

const GRIDS_PER_COMMUNITY = 12;
const KINDS: Array<{ kind: ResponderKind; w: number; skills: string[] }> = [
  { kind: 'fulltime', w: 40, skills: ['general', 'mediation'] },
  { kind: 'parttime', w: 25, skills: ['general'] },
  { kind: 'party_member', w: 15, skills: ['general'] },
  { kind: 'volunteer', w: 10, skills: ['repair_ebike', 'elder_care'] },
  { kind: 'building_head', w: 5, skills: ['general', 'mediation'] },
  { kind: 'property_staff', w: 5, skills: ['property', 'plumbing_electric'] },
];
/** Open work at city scale is mostly in progress, not waiting: share of each live status. */
const STATUS_MIX: Array<{ status: 'reported' | 'accepted' | 'responded' | 'escalated'; w: number }> = [
  { status: 'reported', w: 15 }, { status: 'accepted', w: 25 }, { status: 'responded', w: 35 }, { status: 'escalated', w: 25 },
];

/** Inserts rows in chunks under PostgreSQL's 65,535 bind-parameter limit; returns the RETURNING rows in order. */
async function insertAll<T extends Record<string, unknown>>(sql: Sql, table: string, rows: T[], returning = false): Promise<Array<{ id: string }>> {
  const out: Array<{ id: string }> = [];
  if (rows.length === 0) return out;
  const per = Math.max(1, Math.floor(60_000 / Object.keys(rows[0]).length));
  for (let i = 0; i < rows.length; i += per) {
    const chunk = rows.slice(i, i + per) as never;
    if (returning) out.push(...(await sql<{ id: string }[]>`INSERT INTO ${sql(table)} ${sql(chunk)} RETURNING id`));
    else await sql`INSERT INTO ${sql(table)} ${sql(chunk)}`;
  }
  return out;
}

/** A jittered lattice: cells share their corner vertices, so the grids tile the area without gaps or overlaps. */
export function latticeCells(n: number, lat0: number, lng0: number): PolygonCoords[] {
  const cols = Math.ceil(Math.sqrt(n)), rows = Math.ceil(n / cols);
  const v = (i: number, j: number) => {
    // Jitter is derived from the vertex's own index so both neighbours see the same point; the border stays straight.
    const inner = i > 0 && i < cols && j > 0 && j < rows;
    const h = prng(i * 100_003 + j * 7 + 1);
    return [lng0 + i * CELL_LNG + (inner ? (h() - 0.5) * 0.4 * CELL_LNG : 0), lat0 - j * CELL_LAT + (inner ? (h() - 0.5) * 0.4 * CELL_LAT : 0)];
  };
  const cells: PolygonCoords[] = [];
  for (let k = 0; k < n; k++) {
    const i = k % cols, j = Math.floor(k / cols);
    const ring = [v(i, j), v(i + 1, j), v(i + 1, j + 1), v(i, j + 1)];
    cells.push([[...ring, ring[0]]]);
  }
  return cells;
}

export async function seedScale(sql: Sql, opts: ScaleOptions = {}): Promise<ScaleResult> {
  const t0 = Date.now();
  const nGrids = opts.grids ?? 1500, nResponders = opts.responders ?? 10_000, nTickets = opts.openTickets ?? 3000;
  const prefix = opts.prefix ?? 'city';
  const rnd = prng(opts.seed ?? 2024);
  const pick = <T>(xs: T[]) => xs[Math.floor(rnd() * xs.length)];
  const personName = () => pick(SURNAMES) + pick(GIVEN) + (rnd() < 0.6 ? pick(GIVEN) : '');

  // The street office, and where the lattice starts (north-west corner).
  let soId = opts.streetOfficeId ?? null;
  let lat0 = 39.0 + 0.0045 * Math.ceil(Math.sqrt(nGrids)) / 2, lng0 = 117.0;
  if (soId) {
    const [b] = await sql<{ max_lng: number | null; max_lat: number | null }[]>`SELECT max(max_lng) AS max_lng, max(max_lat) AS max_lat FROM grids WHERE street_office_id = ${soId}`;
    if (b.max_lng != null) { lng0 = b.max_lng + 0.01; lat0 = b.max_lat!; }
  } else {
    const [so] = await sql<{ id: string }[]>`
      INSERT INTO street_offices (name, name_en, center_lat, center_lng) VALUES ('城区（压测）', 'City (benchmark)', ${lat0 - 0.08}, ${lng0 + 0.08}) RETURNING id`;
    soId = so.id;
  }
  await sql`INSERT INTO categories ${sql(CATEGORIES.map((c) => ({ code: c.code, name_zh: c.zh, name_en: c.en, urgency: c.urgency, skill: c.skill, response_target_s: c.responseMin * 60, resolution_target_s: c.resolutionH * 3600 })))} ON CONFLICT (code) DO NOTHING`;
  await sql`INSERT INTO departments ${sql(DEPARTMENTS.map((d) => ({ code: d.code, name_zh: d.zh, name_en: d.en })))} ON CONFLICT (code) DO NOTHING`;

  // Communities of 12 consecutive cells, then the grids; written directly (importGrids' pairwise overlap check is
  // O(n²) in turf and the lattice cannot overlap by construction).
  const polygons = latticeCells(nGrids, lat0, lng0);
  const nCommunities = Math.ceil(nGrids / GRIDS_PER_COMMUNITY);
  const communityIds = (await insertAll(sql, 'communities', Array.from({ length: nCommunities }, (_, k) => ({
    street_office_id: soId, name: `${prefix}第${k + 1}社区`, name_en: `${prefix} community ${k + 1}`,
  })), true)).map((r) => r.id);
  const gridRows = polygons.map((p, k) => {
    const b = bbox(p), l = labelPoint(p);
    return {
      street_office_id: soId, community_id: communityIds[Math.floor(k / GRIDS_PER_COMMUNITY)], code: `${prefix}-${String(k + 1).padStart(5, '0')}`,
      name: `${(k % GRIDS_PER_COMMUNITY) + 1}号网格`, polygon: sql.json(p as never), min_lng: b.minLng, min_lat: b.minLat, max_lng: b.maxLng, max_lat: b.maxLat,
      label_lat: l.lat, label_lng: l.lng,
    };
  });
  const gridIds = (await insertAll(sql, 'grids', gridRows, true)).map((r) => r.id);

  // Responders: home grid k mod G, so each grid has its own few; all on duty with consent given.
  const kinds = Array.from({ length: nResponders }, () => weighted(rnd, KINDS, (k) => k.w));
  const responderIds = (await insertAll(sql, 'responders', kinds.map((k) => ({
    street_office_id: soId, name: personName(), phone: '13' + String(Math.floor(rnd() * 1e9)).padStart(9, '0'), kind: k.kind, skills: k.skills,
    team: null, duty_status: 'available', duty_since: new Date(), consented_location_at: new Date(),
  })), true)).map((r) => r.id);
  const home = responderIds.map((_, k) => k % gridIds.length);
  await insertAll(sql, 'responder_grids', responderIds.map((id, k) => ({ responder_id: id, grid_id: gridIds[home[k]] })));
  const spots = responderIds.map((_, k) => pointInGrid(rnd, polygons[home[k]]));
  const now = Date.now();
  await insertAll(sql, 'latest_positions', responderIds.map((id, k) => ({
    responder_id: id, at: new Date(now - Math.floor(rnd() * 10_000)), lat: spots[k].lat, lng: spots[k].lng, accuracy: 10,
  })));

  // Accounts: one argon2 hash shared by all (hashing 10,000 times would take minutes); sessions written directly.
  const hash = await hashPassword(DEMO_PASSWORD);
  const users = responderIds.map((id, k) => ({
    street_office_id: soId, username: `${prefix}-r${String(k + 1).padStart(5, '0')}`, password_hash: hash, role: 'responder', display_name: `网格员 ${k + 1}`, responder_id: id,
  }));
  const userIds = (await insertAll(sql, 'users', users, true)).map((r) => r.id);
  const [duty] = await sql<{ id: string }[]>`
    INSERT INTO users (street_office_id, username, password_hash, role, display_name) VALUES (${soId}, ${`${prefix}-duty`}, ${hash}, 'duty', '值班员（压测）') RETURNING id`;
  const ttl = opts.sessionTtlHours ?? 24;
  const tokens = [...userIds, duty.id].map(() => newToken());
  await insertAll(sql, 'sessions', [...userIds, duty.id].map((uid, k) => ({ token_hash: tokenHash(tokens[k]), user_id: uid, expires_at: new Date(now + ttl * 3_600_000) })));

  await seedOpenTickets(sql, soId, nTickets, gridIds, polygons, responderIds, rnd);
  const displayToken = await createDisplayToken(sql, soId, `${prefix} benchmark wall`);
  // Bulk-loaded tables have no statistics yet: plan the first queries on real numbers, not on defaults.
  await sql`ANALYZE`;

  return {
    streetOfficeId: soId,
    grids: gridIds.map((id, k) => ({ id, lat: gridRows[k].label_lat, lng: gridRows[k].label_lng })),
    responders: responderIds.map((id, k) => ({ id, userId: userIds[k], username: users[k].username, token: tokens[k], homeGridId: gridIds[home[k]], lat: spots[k].lat, lng: spots[k].lng })),
    duty: { username: `${prefix}-duty`, userId: duty.id, token: tokens[tokens.length - 1] },
    displayToken,
    ms: Date.now() - t0,
  };
}

/** Open tickets in a realistic mix of states, each with its history, and the assignees' duty status to match. */
async function seedOpenTickets(sql: Sql, soId: string, n: number, gridIds: string[], polygons: PolygonCoords[], responderIds: string[], rnd: () => number) {
  const now = Date.now();
  const perGridNext = new Map<number, number>();
  const busy = new Map<string, string>();
  const rows = Array.from({ length: n }, (_, k) => {
    const g = Math.floor(rnd() * gridIds.length);
    const cat = weighted(rnd, CATEGORIES, (c) => c.weight);
    const { status } = weighted(rnd, STATUS_MIX, (s) => s.w);
    // Waiting tickets are recent (some turn amber or red during a run); work in progress may be hours old.
    const age = status === 'reported' ? rnd() * 9 * 60_000 : status === 'accepted' ? rnd() * 30 * 60_000 : rnd() * 48 * 3_600_000;
    const reported = now - age;
    // Assignees: the grid's own responders (k·G + g), each holding at most one ticket.
    let assignee: string | null = null;
    if (status !== 'reported') {
      const next = perGridNext.get(g) ?? 0;
      const idx = next * gridIds.length + g;
      if (idx < responderIds.length) { assignee = responderIds[idx]; perGridNext.set(g, next + 1); }
    }
    if (assignee && status !== 'escalated') busy.set(assignee, status === 'accepted' ? 'en_route' : 'on_site');
    const accepted = reported + Math.min(age, 60_000) * rnd();
    const responded = accepted + (age - (accepted - reported)) * rnd() * 0.5;
    const p = pointInGrid(rnd, polygons[g]);
    return {
      street_office_id: soId, grid_id: gridIds[g], category: cat.code, channel: choose(rnd, ['miniprogram', 'hotline', 'patrol', 'part_time']), urgency: cat.urgency,
      status, description: cat.texts[k % cat.texts.length], lat: p.lat, lng: p.lng, response_target_s: cat.responseMin * 60, resolution_target_s: cat.resolutionH * 3600,
      reported_at: new Date(reported),
      dispatched_at: status === 'reported' ? null : new Date(accepted - 1000), accepted_at: status === 'reported' ? null : new Date(accepted),
      responded_at: status === 'responded' || status === 'escalated' ? new Date(responded) : null,
      escalated_at: status === 'escalated' ? new Date(responded + 60_000) : null,
      department: status === 'escalated' ? DEPARTMENTS[k % DEPARTMENTS.length].code : null,
      escalation_due_at: status === 'escalated' ? new Date(responded + 72 * 3_600_000) : null,
      assignee_id: assignee, reporter_name: '居民', reporter_phone: '13800000000',
    };
  });
  const ids = (await insertAll(sql, 'tickets', rows, true)).map((r) => r.id);
  const ev = (ticket_id: string, action: string, at: Date, from: string | null, to: string) =>
    ({ ticket_id, action, at, from_status: from, to_status: to, actor_label: action === 'report' ? '居民' : '网格员', reason: null });
  await insertAll(sql, 'ticket_events', ids.flatMap((id, k) => {
    const r = rows[k];
    const out = [ev(id, 'report', r.reported_at, null, 'reported')];
    if (r.accepted_at) out.push(ev(id, 'accept', r.accepted_at, 'dispatched', 'accepted'));
    if (r.responded_at) out.push(ev(id, 'respond', r.responded_at, 'accepted', 'responded'));
    if (r.escalated_at) out.push(ev(id, 'escalate', r.escalated_at, 'responded', 'escalated'));
    return out;
  }));
  for (const status of ['en_route', 'on_site']) {
    const who = [...busy].filter(([, s]) => s === status).map(([id]) => id);
    if (who.length) await sql`UPDATE responders SET duty_status = ${status} WHERE id = ANY(${who}::bigint[])`;
  }
}

function choose<T>(rnd: () => number, xs: T[]): T { return xs[Math.floor(rnd() * xs.length)]; }
