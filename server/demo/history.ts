// A few days of finished tickets so reports and today's figures have data on first start. These rows are written
// directly with back-dated times (the services stamp now()); the live simulation goes through the services.
import type { Sql } from '../db/connect.ts';
import { pointInPolygon, type PolygonCoords } from '../../shared/geo.ts';
import { STAFF_CHANNELS } from '../../shared/domain.ts';
import { CATEGORIES, DEPARTMENTS } from './data.ts';
import { prng } from './geometry.ts';
import { startOfLocalDay } from '../metrics/kpis.ts';

/** Share of the day's tickets per hour (0–23): quiet nights, morning and evening peaks. */
export const HOURLY_WEIGHT = [1, 0.5, 0.3, 0.3, 0.4, 0.8, 2, 4, 6, 7, 6, 5, 4, 4, 5, 6, 6, 7, 8, 7, 5, 3, 2, 1.5];
const CHANNEL_WEIGHT: Record<string, number> = { miniprogram: 40, hotline: 20, patrol: 15, part_time: 10, door_knock: 6, suggestion_box: 5, party_member: 4 };

export function weighted<T>(rnd: () => number, items: T[], weight: (t: T) => number): T {
  const total = items.reduce((s, x) => s + weight(x), 0);
  let r = rnd() * total;
  for (const x of items) { r -= weight(x); if (r <= 0) return x; }
  return items[items.length - 1];
}

/** A random point inside a grid polygon (rejection sampling in its bounding box). */
export function pointInGrid(rnd: () => number, polygon: PolygonCoords): { lat: number; lng: number } {
  const ring = polygon[0];
  const lngs = ring.map((p) => p[0]), lats = ring.map((p) => p[1]);
  const [minLng, maxLng, minLat, maxLat] = [Math.min(...lngs), Math.max(...lngs), Math.min(...lats), Math.max(...lats)];
  for (let k = 0; k < 50; k++) {
    const p = { lng: minLng + rnd() * (maxLng - minLng), lat: minLat + rnd() * (maxLat - minLat) };
    if (pointInPolygon(p, polygon)) return p;
  }
  return { lng: (minLng + maxLng) / 2, lat: (minLat + maxLat) / 2 };
}

export async function seedHistory(sql: Sql, soId: string, days: number, perDay = 60): Promise<number> {
  const rnd = prng(99);
  const grids = await sql<{ id: string; polygon: PolygonCoords }[]>`SELECT id, polygon FROM grids WHERE street_office_id = ${soId}`;
  const responders = await sql<{ id: string; name: string; grid_id: string }[]>`
    SELECT r.id, r.name, rg.grid_id FROM responders r JOIN responder_grids rg ON rg.responder_id = r.id WHERE r.street_office_id = ${soId}`;
  const now = Date.now();
  const channels = [...STAFF_CHANNELS];
  let count = 0;
  for (let d = days; d >= 0; d--) {
    const dayStart = startOfLocalDay(now, 480).getTime() - d * 86_400_000;
    const n = d === 0 ? Math.round(perDay * ((now - dayStart) / 86_400_000)) : perDay;
    for (let k = 0; k < n; k++) {
      const hour = weighted(rnd, [...HOURLY_WEIGHT.keys()], (h) => HOURLY_WEIGHT[h]);
      const reported = dayStart + hour * 3_600_000 + rnd() * 3_600_000;
      const cat = weighted(rnd, CATEGORIES, (c) => c.weight);
      const target = cat.responseMin * 60_000;
      const accept = reported + 30_000 + rnd() * 180_000;
      const late = rnd() < 0.08;
      const respond = late ? reported + target + rnd() * 600_000 : accept + rnd() * Math.max(60_000, target - (accept - reported) - 30_000);
      const resolve = respond + 600_000 + rnd() * cat.resolutionH * 3_600_000 * 0.9;
      const close = resolve + 1_800_000 + rnd() * 3_600_000;
      if (close > now - 600_000) continue;
      const grid = grids[Math.floor(rnd() * grids.length)];
      const mine = responders.filter((r) => r.grid_id === grid.id);
      const who = mine[Math.floor(rnd() * mine.length)] ?? responders[0];
      const p = pointInGrid(rnd, grid.polygon);
      const fate = rnd();
      const rejected = fate < 0.03, escalated = !rejected && fate < 0.07;
      const channel = weighted(rnd, channels, (c) => CHANNEL_WEIGHT[c]);
      const dept = DEPARTMENTS[Math.floor(rnd() * DEPARTMENTS.length)].code;
      const [t] = await sql<{ id: string }[]>`
        INSERT INTO tickets (street_office_id, grid_id, category, channel, urgency, status, description, lat, lng,
          response_target_s, resolution_target_s, reported_at, dispatched_at, accepted_at, responded_at, resolved_at, closed_at,
          rejected_at, escalated_at, department, escalation_due_at, department_accepted_at, assignee_id, rating, ever_resolved, reporter_name, reporter_phone)
        VALUES (${soId}, ${grid.id}, ${cat.code}, ${channel}, ${cat.urgency}, ${rejected ? 'rejected' : 'closed'}, ${cat.texts[k % cat.texts.length]},
          ${p.lat}, ${p.lng}, ${cat.responseMin * 60}, ${cat.resolutionH * 3600}, ${new Date(reported)},
          ${rejected ? null : new Date(reported + 20_000)}, ${rejected ? null : new Date(accept)}, ${rejected ? null : new Date(respond)},
          ${rejected ? null : new Date(resolve)}, ${rejected ? null : new Date(close)}, ${rejected ? new Date(reported + 120_000) : null},
          ${escalated ? new Date(respond + 300_000) : null}, ${escalated ? dept : null}, ${escalated ? new Date(respond + 300_000 + 72 * 3_600_000) : null},
          ${escalated ? new Date(respond + 900_000) : null}, ${rejected ? null : who.id},
          ${rejected || rnd() < 0.4 ? null : rnd() < 0.93 ? 5 - Math.floor(rnd() * 2) : 2 + Math.floor(rnd() * 2)}, ${!rejected}, '居民', '13800000000')
        RETURNING id`;
      const ev = (action: string, at: number, from: string | null, to: string, label: string, reason: string | null = null) =>
        ({ ticket_id: t.id, action, at: new Date(at), from_status: from, to_status: to, actor_label: label, reason });
      const events = rejected
        ? [ev('report', reported, null, 'reported', '居民'), ev('reject', reported + 120_000, 'reported', 'rejected', '值班员 王丽', '重复上报')]
        : [ev('report', reported, null, 'reported', '居民'), ev('dispatch', reported + 20_000, 'reported', 'dispatched', '自动派单'),
          ev('accept', accept, 'dispatched', 'accepted', who.name), ev('respond', respond, 'accepted', 'responded', who.name),
          ...(escalated ? [ev('escalate', respond + 300_000, 'responded', 'escalated', '值班员 王丽', '需职能部门处置')] : []),
          ev('resolve', resolve, escalated ? 'escalated' : 'responded', 'resolved', who.name, '已处理完毕'), ev('close', close, 'resolved', 'closed', '值班员 王丽')];
      await sql`INSERT INTO ticket_events ${sql(events)}`;
      count++;
    }
  }
  return count;
}
