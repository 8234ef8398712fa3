// Validation schemas for every input, used at the server's edges and by the clients' forms.
import { z } from 'zod';
import { STAFF_CHANNELS, URGENCIES } from './domain.ts';
import { TICKET_STATUSES } from './tickets.ts';

const id = z.string().regex(/^\d{1,18}$/, 'must be a numeric id');
const text = (max: number) => z.string().trim().min(1, 'must not be empty').max(max, `must be at most ${max} characters`);
const lat = z.number().min(-90).max(90);
const lng = z.number().min(-180).max(180);
/** Mainland mobile or landline, digits with an optional leading + and dashes. */
const phone = z.string().trim().regex(/^\+?[0-9][0-9-]{5,19}$/, 'must be a phone number');

export const loginBody = z.object({ username: text(64), password: z.string().min(1).max(200) }).strict();

export const createTicketBody = z.object({
  category: text(40),
  channel: z.enum(STAFF_CHANNELS),
  description: text(2000),
  lat, lng,
  address: text(200).optional(),
  reporterName: text(40).optional(),
  reporterPhone: phone.optional(),
  urgency: z.enum(URGENCIES).optional(),
  /** Duty staff pick the grid by hand when the location is outside every grid. */
  gridId: id.optional(),
  /**
   * When the resident's call or note came in, if staff enter it later (hotline, suggestion box, door-knocking): the
   * response clock starts then. Office staff only; at most RECEIVED_MAX_AGE_DAYS back.
   */
  receivedAt: z.string().datetime({ offset: true }).optional(),
  /** Alternative to the Idempotency-Key header. */
  idempotencyKey: z.string().min(8).max(100).optional(),
}).strict();
export type CreateTicketBody = z.infer<typeof createTicketBody>;

export const dispatchBody = z.object({ responderId: id }).strict();
export const declineBody = z.object({ reason: text(500).optional() }).strict();
export const respondBody = z.object({ note: text(1000).optional() }).strict();
export const resolveBody = z.object({ note: text(1000) }).strict();
export const closeBody = z.object({ note: text(1000).optional() }).strict();
export const escalateBody = z.object({
  department: text(40),
  reason: text(1000),
  timeLimitHours: z.number().positive().max(24 * 90),
}).strict();
export const departmentAcceptBody = z.object({ note: text(1000).optional() }).strict();
export const rejectBody = z.object({ reason: text(500), duplicateOf: id.optional() }).strict();
export const reopenBody = z.object({ reason: text(500) }).strict();
export const rateBody = z.object({ rating: z.number().int().min(1).max(5), comment: text(500).optional() }).strict();

/** How far back staff may date a report they enter late (suggestion boxes are emptied weekly). */
export const RECEIVED_MAX_AGE_DAYS = 8;

export const ACTION_BODIES = {
  dispatch: dispatchBody, accept: z.object({}).strict(), decline: declineBody, respond: respondBody,
  resolve: resolveBody, close: closeBody, escalate: escalateBody, department_accept: departmentAcceptBody,
  reject: rejectBody, reopen: reopenBody,
} as const;
export type RestAction = keyof typeof ACTION_BODIES;

const csv = <T extends readonly [string, ...string[]]>(values: T) =>
  z.string().transform((s) => s.split(',').filter(Boolean)).pipe(z.array(z.enum(values)).min(1));

export const listTicketsQuery = z.object({
  status: csv(TICKET_STATUSES).optional(),
  communityId: id.optional(),
  gridId: id.optional(),
  category: text(40).optional(),
  overdue: z.enum(['true', 'false']).optional(),
  limit: z.coerce.number().int().min(1).max(500).default(100),
  before: id.optional(),
}).strict();

export const positionReport = z.object({
  lat, lng,
  accuracy: z.number().min(0).max(5000),
  at: z.string().datetime({ offset: true }),
}).strict();
export type PositionReport = z.infer<typeof positionReport>;
/** How old a position may be when it arrives, and how far in the future (clock skew). */
export const POSITION_MAX_AGE_S = 120;
export const POSITION_MAX_FUTURE_S = 30;

export const dutyBody = z.object({ onDuty: z.boolean() }).strict();

const ring = z.array(z.tuple([lng, lat]).or(z.array(z.number()).min(2))).min(4);
export const gridFeature = z.object({
  type: z.literal('Feature'),
  properties: z.object({
    name: text(60),
    community: text(60),
    code: text(30).optional(),
    communityEn: z.string().optional(),
  }).passthrough(),
  geometry: z.object({ type: z.literal('Polygon'), coordinates: z.array(ring).min(1) }),
});
export const gridCollection = z.object({ type: z.literal('FeatureCollection'), features: z.array(gridFeature).min(1) });

/** "path.to.field: reason" for the first issue, the message a 400 carries. */
export function describeZodError(err: z.ZodError): { field: string; message: string } {
  const issue = err.issues[0];
  const field = issue?.path.join('.') || '(body)';
  return { field, message: `${field}: ${issue?.message ?? 'invalid'}` };
}

export const createDisplayLinkBody = z.object({
  label: text(60),
  /** Omitted: the whole street office; given: only that community's grids. */
  communityId: id.optional(),
}).strict();
export type CreateDisplayLinkBody = z.infer<typeof createDisplayLinkBody>;
