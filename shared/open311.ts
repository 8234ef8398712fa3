// Open311 GeoReport v2 (http://wiki.open311.org/GeoReport_v2) as this product speaks it: formats, the status mapping
// (the spec knows only open and closed), the defaults of GET requests, and the inputs' schemas. One place for the
// server, the README's examples and the tests.
import { z } from 'zod';
import { OPEN_STATUSES, TICKET_STATUSES, TICKET_STATUS_LABELS, type TicketStatus } from './tickets.ts';

export const OPEN311_SPEC = 'http://wiki.open311.org/GeoReport_v2';
export const OPEN311_BASE = '/open311/v2';
export const OPEN311_FORMATS = { xml: 'text/xml; charset=utf-8', json: 'application/json; charset=utf-8' } as const;
export type Open311Format = keyof typeof OPEN311_FORMATS;
/** The MIME types discovery lists (without the charset). */
export const OPEN311_MIME = ['text/xml', 'application/json'] as const;

/**
 * open = work remains (OPEN_STATUSES); closed = "it has been resolved" in the spec's words: resolved (awaiting verification), closed
 * (verified) and rejected (not taken up) are closed. The detail goes in status_notes and, with extensions=true, in
 * extended_attributes.detailed_status.
 */
export const OPEN311_STATUS = Object.fromEntries(
  TICKET_STATUSES.map((s) => [s, OPEN_STATUSES.includes(s) ? 'open' : 'closed']),
) as Record<TicketStatus, 'open' | 'closed'>;
export const OPEN311_STATES = ['open', 'closed'] as const;
export type Open311State = (typeof OPEN311_STATES)[number];
/** The ticket statuses an Open311 status stands for (what the SQL filter uses). */
export const statusesFor = (states: readonly Open311State[]): TicketStatus[] => TICKET_STATUSES.filter((s) => states.includes(OPEN311_STATUS[s]));

/** GET requests: "a span of 90 days or first 1000 requests returned, whichever is smallest"; page_size extension. */
export const DEFAULT_SPAN_DAYS = 90;
export const MAX_REQUESTS = 1000;

/** status_notes: the detailed state in Chinese and English, plus the department or the duplicate where there is one. */
export function statusNotes(status: TicketStatus, o: { department?: { zh: string; en: string } | null; duplicateOf?: string | null } = {}): string {
  const l = TICKET_STATUS_LABELS[status];
  if (status === 'escalated' && o.department) return `${l.zh}：已转交${o.department.zh}处理 · ${l.en} to ${o.department.en}`;
  if (status === 'rejected' && o.duplicateOf) return `与已有报告 ${o.duplicateOf} 重复，一并处理 · duplicate of request ${o.duplicateOf}`;
  if (status === 'resolved') return `${l.zh}，待核实销号 · resolved, awaiting verification`;
  return `${l.zh} · ${l.en}`;
}

/** "a grid worker responds within 10 minutes; resolved within 24 hours" from the category's targets. */
export function serviceNotice(responseTargetS: number, resolutionTargetS: number): string {
  const min = Math.round(responseTargetS / 60);
  const h = Math.round((resolutionTargetS / 3600) * 10) / 10;
  return `网格员${min}分钟内响应，${h}小时内办结 · a grid worker responds within ${min} minutes; resolved within ${h} hours`;
}

/** ISO 8601 in the street office's own offset (2024-05-06T14:03:22+08:00), as the spec asks ("timezone must be included"). */
export function isoWithOffset(d: Date, offsetMin: number): string {
  const local = new Date(d.getTime() + offsetMin * 60_000).toISOString().slice(0, 19);
  if (offsetMin === 0) return `${local}Z`;
  const sign = offsetMin < 0 ? '-' : '+';
  const a = Math.abs(offsetMin);
  return `${local}${sign}${String(Math.floor(a / 60)).padStart(2, '0')}:${String(a % 60).padStart(2, '0')}`;
}

const single = (max: number) => z.string().trim().max(max, `must be at most ${max} characters`);
/** A form field sent once (qs makes a repeated field an array: refused, not guessed). */
const one = (max: number) => z.preprocess((v) => (v === '' ? undefined : v), single(max).optional());
/** The w3 subset of ISO 8601 the spec uses, with its zone: 2010-01-01T00:00:00Z, 2010-01-01T08:00:00+08:00. */
const w3 = z.string().trim().regex(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/, 'must be a w3 date and time with its zone, e.g. 2010-01-01T00:00:00Z')
  .refine((s) => !Number.isNaN(Date.parse(s)), 'is not a real date');
const csvOf = <T extends z.ZodType<string, string>>(item: T) => z.string().trim().transform((s) => s.split(',').map((x) => x.trim()).filter(Boolean)).pipe(z.array(item).min(1).max(200));

/** POST requests, after the form is parsed (qs: attribute[code]=v, attribute[code][]=v for lists). */
export const open311PostBody = z.object({
  api_key: one(200),
  jurisdiction_id: one(200),
  service_code: one(40),
  lat: one(40), long: one(40),
  address_string: one(200),
  address_id: one(40),
  attribute: z.record(z.string().max(40), z.union([z.string().max(500), z.array(z.string().max(100)).max(20)])).optional(),
  email: z.preprocess((v) => (v === '' ? undefined : v), z.string().trim().max(200).regex(/^[^\s@]+@[^\s@]+\.[^\s@]+$/, 'must be an email address').optional()),
  device_id: one(100),
  account_id: one(100),
  first_name: one(40),
  last_name: one(40),
  phone: z.preprocess((v) => (v === '' ? undefined : v), z.string().trim().regex(/^\+?[0-9][0-9 -]{5,19}$/, 'must be a phone number').optional()),
  description: one(4000),
  media_url: z.preprocess((v) => (v === '' ? undefined : v), z.string().trim().max(2000).url('must be a URL').refine((u) => /^https?:\/\//i.test(u), 'must be an http(s) URL').optional()),
});
export type Open311PostBody = z.infer<typeof open311PostBody>;

/** GET requests' query; optional arguments: empty is the same as absent. */
export const open311RequestsQuery = z.object({
  jurisdiction_id: one(200),
  /** Many clients send their key on every call; reads need none, so it is accepted and ignored. */
  api_key: one(200),
  service_request_id: z.preprocess((v) => (v === '' ? undefined : v), csvOf(z.string().regex(/^\d{1,18}$/, 'must be numeric request ids')).optional()),
  service_code: z.preprocess((v) => (v === '' ? undefined : v), csvOf(z.string().max(40)).optional()),
  start_date: z.preprocess((v) => (v === '' ? undefined : v), w3.optional()),
  end_date: z.preprocess((v) => (v === '' ? undefined : v), w3.optional()),
  status: z.preprocess((v) => (v === '' ? undefined : v), csvOf(z.enum(OPEN311_STATES)).optional()),
  page: z.preprocess((v) => (v === '' ? undefined : v), z.coerce.number().int().min(1).max(1_000_000).default(1)),
  page_size: z.preprocess((v) => (v === '' ? undefined : v), z.coerce.number().int().min(1).max(MAX_REQUESTS).default(MAX_REQUESTS)),
  extensions: z.preprocess((v) => (v === '' ? undefined : v), z.enum(['true', 'false']).optional()),
}).strict();

export const open311JurisdictionQuery = z.object({ jurisdiction_id: one(200), api_key: one(200), extensions: z.preprocess((v) => (v === '' ? undefined : v), z.enum(['true', 'false']).optional()) }).strict();

/** An administrator names a key (the command line revokes by name). */
export const createOpen311KeyBody = z.object({ name: z.string().trim().min(1).max(60).regex(/^[^\s].*$/, 'must not start with a space') }).strict();

/** A key as the administrator sees it; the key itself is shown once, when it is made. */
export interface Open311KeyView { id: string; name: string; createdAt: string; createdBy: string | null; lastUsedAt: string | null; revokedAt: string | null }
export interface NewOpen311Key { key: string; view: Open311KeyView }
/** An Open311 request waiting for duty staff to place it (its address named no known place). */
export interface PendingOpen311View { id: string; token: string; receivedAt: string; category: string; categoryName: string; description: string; addressString: string | null; keyName: string }
export const placePendingBody = z.object({ gridId: z.string().regex(/^\d{1,18}$/, 'must be a numeric id') }).strict();
