// Open311 service requests: POST makes a ticket like any other (its grid from lat/long, a known compound's address_id
// or a compound named in address_string; otherwise a token until duty staff place it), GET reads requests in the
// spec's shape. Requests are public by the spec: no reporter, no phone, and a household's own requests (categories
// without public_detail) carry neither description nor exact place.
import { randomBytes } from 'node:crypto';
import type postgres from 'postgres';
import type { Sql } from '../db/connect.ts';
import { AppError } from '../../shared/errors.ts';
import { maskPhonesIn } from '../../shared/domain.ts';
import {
  DEFAULT_SPAN_DAYS, MAX_REQUESTS, OPEN311_STATUS, isoWithOffset, serviceNotice, statusNotes, statusesFor,
  type Open311PostBody, type open311RequestsQuery,
} from '../../shared/open311.ts';
import { PUBLIC_STEPS } from '../../shared/residents.ts';
import type { TicketStatus } from '../../shared/tickets.ts';
import { resolutionDeadlineMs } from '../../shared/sla.ts';
import type { z } from 'zod';
import { checkAttributes, describeAnswers } from '../catalog/attributes.ts';
import { findGridAt } from '../grids/assign.ts';
import { attributesByCategory } from '../residents/places.ts';
import { departmentNames, publicSteps, ticketEventsForPublic } from '../residents/public-view.ts';
import { insertTicket, ticketByKey } from '../tickets/create.ts';
import { list, type Fields, type List } from './format.ts';
import { markKeyUsed } from './keys.ts';
import type { Jurisdiction } from './services.ts';

export interface Created { ticketId: string | null; token: string | null; notice: string; accountId: string | null }
type Key = { id: string; name: string };

/** "张 三" → 张三 (family name first, as Chinese names are written); "John Smith" stays given name first. */
export function reporterName(first?: string, last?: string): string | null {
  const f = first?.trim() ?? '', l = last?.trim() ?? '';
  if (!f && !l) return null;
  const han = /\p{Script=Han}/u.test(f + l);
  return han ? `${l}${f}` : [f, l].filter(Boolean).join(' ');
}

async function placeOf(sql: Sql, j: Jurisdiction, b: Open311PostBody): Promise<{ lat: number; lng: number; gridId: string; address: string | null; addressId: string | null } | null> {
  if (b.lat !== undefined || b.long !== undefined) {
    if (b.lat === undefined || b.long === undefined) throw new AppError('bad_request', 'lat and long must be sent together', b.lat === undefined ? 'lat' : 'long');
    const lat = Number(b.lat), lng = Number(b.long);
    if (!/^-?\d+(\.\d+)?$/.test(b.lat) || !/^-?\d+(\.\d+)?$/.test(b.long) || Math.abs(lat) > 90 || Math.abs(lng) > 180) {
      throw new AppError('bad_request', 'lat and long must be WGS-84 degrees', 'lat');
    }
    const gridId = await findGridAt(sql, j.id, lat, lng);
    if (!gridId) throw new AppError('bad_request', `lat/long ${lat},${lng} is outside every grid of ${j.jurisdictionId}`, 'lat');
    return { lat, lng, gridId, address: b.address_string ?? null, addressId: null };
  }
  if (b.address_id !== undefined) {
    const [c] = /^\d{1,18}$/.test(b.address_id) ? await sql<{ id: string; name: string; lat: number; lng: number; grid_id: string }[]>`
      SELECT cp.id, cp.name, cp.lat, cp.lng, cp.grid_id FROM compounds cp JOIN grids g ON g.id = cp.grid_id
      WHERE cp.id = ${b.address_id} AND g.street_office_id = ${j.id}` : [];
    if (!c) throw new AppError('bad_request', `address_id "${b.address_id}" is not an address of ${j.jurisdictionId}`, 'address_id');
    return { lat: c.lat, lng: c.lng, gridId: c.grid_id, address: b.address_string ?? c.name, addressId: c.id };
  }
  if (b.address_string !== undefined) {
    // The longest compound (小区) name the address mentions; none: the request waits for duty staff (a token).
    const [c] = await sql<{ id: string; lat: number; lng: number; grid_id: string }[]>`
      SELECT cp.id, cp.lat, cp.lng, cp.grid_id FROM compounds cp JOIN grids g ON g.id = cp.grid_id
      WHERE g.street_office_id = ${j.id} AND length(cp.name) >= 2 AND strpos(${b.address_string}, cp.name) > 0
      ORDER BY length(cp.name) DESC, cp.id LIMIT 1`;
    return c ? { lat: c.lat, lng: c.lng, gridId: c.grid_id, address: b.address_string, addressId: c.id } : null;
  }
  throw new AppError('bad_request', 'a location is required: lat and long, address_string or address_id', 'lat');
}

/** POST requests, after the api_key was accepted for this jurisdiction. */
export async function createRequest(sql: Sql, j: Jurisdiction, key: Key, b: Open311PostBody, retryKey: string | null): Promise<Created> {
  if (!b.service_code) throw new AppError('bad_request', 'service_code was not provided', 'service_code');
  const [category] = await sql<{ code: string; name_zh: string; response_target_s: number; resolution_target_s: number }[]>`
    SELECT code, name_zh, response_target_s, resolution_target_s FROM categories WHERE code = ${b.service_code}`;
  if (!category) throw new AppError('not_found', `service_code "${b.service_code}" was not found`, 'service_code');
  const notice = serviceNotice(category.response_target_s, category.resolution_target_s);
  const idem = retryKey ? `open311:${key.id}:${retryKey}` : null;
  if (idem) {
    const prior = await ticketByKey(sql, j.id, idem);
    if (prior) return { ticketId: prior, token: null, notice, accountId: b.account_id ?? null };
  }
  const defs = (await attributesByCategory(sql, category.code)).get(category.code) ?? [];
  const answers = checkAttributes(defs, b.attribute);
  const place = await placeOf(sql, j, b);
  const said = b.description?.trim() || `${category.name_zh}（Open311）`;
  const extra = describeAnswers(defs, answers);
  const intake = { open311_key_id: key.id, email: b.email, device_id: b.device_id, account_id: b.account_id, media_url: b.media_url, address_id: place?.addressId ?? undefined };
  const phone = b.phone?.replace(/[\s]/g, '');

  if (!place) {
    const token = randomBytes(16).toString('hex');
    await sql.begin(async (tx) => {
      await tx`INSERT INTO open311_pending (street_office_id, token, key_id, category, request) VALUES (${j.id}, ${token}, ${key.id}, ${category.code},
        ${tx.json({ description: extra ? `${said}（${extra}）` : said, address_string: b.address_string, reporter_name: reporterName(b.first_name, b.last_name), phone, attributes: answers, intake } as never)})`;
      await markKeyUsed(tx, key.id);
    });
    return { ticketId: null, token, notice, accountId: b.account_id ?? null };
  }
  const made = await sql.begin(async (tx) => {
    await markKeyUsed(tx, key.id);
    return insertTicket(tx, {
      streetOfficeId: j.id, gridId: place.gridId, category: category.code, channel: 'open311', description: extra ? `${said}（${extra}）` : said,
      lat: place.lat, lng: place.lng, address: place.address, reporterName: reporterName(b.first_name, b.last_name), reporterPhone: phone ?? null,
      actor: { userId: null, responderId: null, label: `Open311 · ${key.name}` }, createdBy: null, idempotencyKey: idem, attributes: answers, intake,
    });
  });
  return { ticketId: made.ticket.id, token: null, notice, accountId: b.account_id ?? null };
}

export function createdDocument(c: Created): List {
  return list('request', [{
    service_request_id: c.ticketId ?? undefined,
    token: c.token ?? undefined,
    service_notice: c.notice,
    account_id: c.accountId,
  }]);
}

interface RequestRow {
  id: string; status: TicketStatus; category: string; name_zh: string; name_en: string; public_detail: boolean; description: string;
  address: string | null; lat: number; lng: number; label_lat: number; label_lng: number; community_name: string; grid_name: string;
  department_zh: string | null; department_en: string | null; duplicate_of: string | null; reported_at: Date; response_target_s: number;
  resolution_target_s: number; responded_at: Date | null; resolved_at: Date | null; closed_at: Date | null; rejected_at: Date | null;
  last_event_at: Date | null; intake: Record<string, unknown>; attributes: Record<string, string | number | string[]>; channel: string; reopen_count: number;
}

type Query = z.infer<typeof open311RequestsQuery>;

/** GET requests: the spec's defaults (last 90 days, at most 1,000), filters, and the page/page_size extension. */
export async function findRequests(sql: Sql, j: Jurisdiction, q: Query, now = new Date()): Promise<RequestRow[]> {
  let where = sql`t.street_office_id = ${j.id}`;
  if (q.service_request_id) {
    // "This overrides all other arguments."
    where = sql`${where} AND t.id = ANY(${q.service_request_id}::bigint[])`;
  } else {
    const DAY = 86400_000;
    const span = DEFAULT_SPAN_DAYS * DAY;
    let end = q.end_date ? new Date(q.end_date) : null;
    let start = q.start_date ? new Date(q.start_date) : null;
    if (!start && !end) { end = now; start = new Date(now.getTime() - span); }
    else if (!start) start = new Date(end!.getTime() - span);
    else if (!end) end = new Date(start.getTime() + span);
    if (start! > end!) throw new AppError('bad_request', 'start_date is after end_date', 'start_date');
    if (end!.getTime() - start!.getTime() > span) throw new AppError('bad_request', `start_date to end_date may not span more than ${DEFAULT_SPAN_DAYS} days`, 'end_date');
    where = sql`${where} AND t.reported_at >= ${start!} AND t.reported_at <= ${end!}`;
    if (q.service_code) {
      const known = await sql<{ code: string }[]>`SELECT code FROM categories WHERE code = ANY(${q.service_code})`;
      const unknown = q.service_code.filter((c: string) => !known.some((k) => k.code === c));
      if (unknown.length) throw new AppError('not_found', `service_code "${unknown[0]}" was not found`, 'service_code');
      where = sql`${where} AND t.category = ANY(${q.service_code})`;
    }
    if (q.status) where = sql`${where} AND t.status = ANY(${statusesFor(q.status)})`;
  }
  const size = q.service_request_id ? MAX_REQUESTS : q.page_size;
  const offset = q.service_request_id ? 0 : (q.page - 1) * q.page_size;
  return selectRequests(sql, where, size, offset);
}

export async function findRequest(sql: Sql, j: Jurisdiction, id: string): Promise<RequestRow> {
  const [row] = /^\d{1,18}$/.test(id) ? await selectRequests(sql, sql`t.street_office_id = ${j.id} AND t.id = ${id}`, 1, 0) : [];
  if (!row) throw new AppError('not_found', `service_request_id "${id.slice(0, 40)}" was not found`, 'service_request_id');
  return row;
}

function selectRequests(sql: Sql, where: postgres.PendingQuery<postgres.Row[]>, limit: number, offset: number) {
  return sql<RequestRow[]>`
    SELECT t.id, t.status, t.category, c.name_zh, c.name_en, c.public_detail, t.description, t.address, t.lat, t.lng, g.label_lat, g.label_lng,
      cm.name AS community_name, g.name AS grid_name, d.name_zh AS department_zh, d.name_en AS department_en, t.duplicate_of, t.reported_at,
      t.response_target_s, t.resolution_target_s, t.responded_at, t.resolved_at, t.closed_at, t.rejected_at, t.intake, t.attributes, t.channel, t.reopen_count,
      (SELECT max(e.at) FROM ticket_events e WHERE e.ticket_id = t.id) AS last_event_at
    FROM tickets t JOIN categories c ON c.code = t.category JOIN grids g ON g.id = t.grid_id JOIN communities cm ON cm.id = g.community_id
    LEFT JOIN departments d ON d.code = t.department
    WHERE ${where} ORDER BY t.reported_at DESC, t.id DESC LIMIT ${limit} OFFSET ${offset}`;
}

/** One request in the spec's element order; with extensions=true, extended_attributes, attributes and notes follow. */
export async function requestDocuments(sql: Sql, j: Jurisdiction, rows: RequestRow[], extensions: boolean): Promise<List> {
  const iso = (d: Date | null) => (d ? isoWithOffset(d, j.utcOffsetMin) : null);
  const [events, departments, defs] = extensions
    ? await Promise.all([ticketEventsForPublic(sql, rows.map((r) => r.id)), departmentNames(sql), attributesByCategory(sql)])
    : [null, null, null];
  return list('request', rows.map((r) => {
    const closedAt = r.status === 'closed' ? r.closed_at : r.status === 'resolved' ? r.resolved_at : r.status === 'rejected' ? r.rejected_at : null;
    const department = r.department_zh ? { zh: r.department_zh, en: r.department_en ?? '' } : null;
    const detail = r.public_detail;
    const doc: Fields = {
      service_request_id: r.id,
      status: OPEN311_STATUS[r.status],
      status_notes: statusNotes(r.status, { department, duplicateOf: r.duplicate_of }),
      service_name: r.name_zh,
      service_code: r.category,
      description: detail ? maskPhonesIn(r.description) : null,
      agency_responsible: r.status === 'escalated' && department ? department.zh : r.community_name,
      service_notice: serviceNotice(r.response_target_s, r.resolution_target_s),
      requested_datetime: iso(r.reported_at),
      updated_datetime: iso(closedAt ?? r.last_event_at ?? r.reported_at),
      expected_datetime: iso(new Date(resolutionDeadlineMs({ reportedAt: r.reported_at, resolutionTargetS: r.resolution_target_s }))),
      address: detail ? maskPhonesIn(r.address ?? `${r.community_name}${r.grid_name}`) : `${r.community_name}${r.grid_name}`,
      address_id: detail && typeof r.intake.address_id === 'string' ? r.intake.address_id : undefined,
      lat: detail ? r.lat : r.label_lat,
      long: detail ? r.lng : r.label_lng,
      media_url: typeof r.intake.media_url === 'string' ? r.intake.media_url : undefined,
    };
    if (extensions) {
      const deadline = r.reported_at.getTime() + r.response_target_s * 1000;
      doc.extended_attributes = {
        detailed_status: r.status,
        channel: r.channel,
        community: r.community_name,
        grid: r.grid_name,
        response_target_minutes: r.response_target_s / 60,
        responded_datetime: iso(r.responded_at),
        responded_within_target: r.responded_at ? r.responded_at.getTime() <= deadline : null,
        reopen_count: r.reopen_count,
      };
      const mine = defs!.get(r.category) ?? [];
      doc.attributes = list('attribute', detail ? mine.filter((d) => r.attributes[d.code] !== undefined).map((d) => {
        const v = r.attributes[d.code];
        const keys = Array.isArray(v) ? v.map(String) : [String(v)];
        return { label: d.description.zh, name: d.code, value: keys.map((k) => d.choices.find((c) => c.key === k)?.zh ?? k).join('、'), code: keys.join(',') };
      }) : []);
      doc.notes = list('note', publicSteps(events!.get(r.id) ?? [], departments!).map((s) => ({
        datetime: isoWithOffset(new Date(s.at), j.utcOffsetMin),
        description: `${PUBLIC_STEPS[s.kind].zh}${s.department ? `（${s.department.zh}）` : ''}${s.rating ? ` ${s.rating}/5` : ''} · ${PUBLIC_STEPS[s.kind].en}${s.department ? ` (${s.department.en})` : ''}`,
        type: s.kind,
      })));
    }
    return doc;
  }));
}

/** GET tokens/{token}: the request id once the request became a ticket (empty while it waits to be placed). */
export async function tokenDocument(sql: Sql, j: Jurisdiction, token: string): Promise<List> {
  const [row] = /^[0-9a-f]{32}$/.test(token) ? await sql<{ ticket_id: string | null }[]>`
    SELECT ticket_id FROM open311_pending WHERE token = ${token} AND street_office_id = ${j.id}` : [];
  if (!row) throw new AppError('not_found', `token "${token.slice(0, 40)}" was not found`, 'token');
  return list('request', [{ service_request_id: row.ticket_id, token }]);
}
