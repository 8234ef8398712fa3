// The REST client of every page, typed by the shared contract (shared/rest.ts): the endpoint names its body and its
// answer, and a body is checked against the endpoint's shared schema before it is sent (the same message the server
// would give, without the round trip). The transport, ApiError and query strings are in http.ts (re-exported here).
import './zod-config.ts';
import type { DepartmentView, TicketView } from '../shared/api.ts';
import { ApiError, pathOf, qs, request, type Query } from './http.ts';
export { ApiError, errorText, qs } from './http.ts';
import { describeZodError, type RestAction } from '../shared/schemas.ts';
import { ACTION_BODIES, REST, type ActionBodyInput, type RestBody, type RestKey, type RestResult } from '../shared/rest.ts';

/** A fresh idempotency key: one per user intention, reused by every retry of it. */
export function newKey(): string {
  return typeof crypto !== 'undefined' && 'randomUUID' in crypto ? crypto.randomUUID() : `k${Date.now().toString(36)}${Math.random().toString(36).slice(2, 12)}`;
}

interface CallOptions<K extends RestKey> { params?: Record<string, string>; query?: Query; body?: RestBody<K>; key?: string }

/** Calls an endpoint of the contract: `api('GET /api/tickets/:id', { params: { id } })`. */
export async function api<K extends RestKey>(endpoint: K, opts: CallOptions<K> = {}): Promise<RestResult<K>> {
  const [method, template] = endpoint.split(' ') as [string, string];
  const schema = REST[endpoint].body;
  if (schema) {
    const checked = schema.safeParse(opts.body ?? {});
    if (!checked.success) {
      const { field, message } = describeZodError(checked.error);
      throw new ApiError(400, 'bad_request', message, field);
    }
  }
  const path = pathOf(template, opts.params);
  return request<RestResult<K>>(method, path + qs(opts.query ?? {}), method === 'GET' ? undefined : opts.body ?? {}, opts.key);
}

/** A lifecycle action on a ticket, its body checked by that action's own schema. */
export async function act<A extends RestAction>(ticketId: string, action: A, body: ActionBodyInput<A>, key?: string): Promise<TicketView> {
  const checked = ACTION_BODIES[action].safeParse(body);
  if (!checked.success) {
    const { field, message } = describeZodError(checked.error);
    throw new ApiError(400, 'bad_request', message, field);
  }
  return request<TicketView>('POST', `/api/tickets/${encodeURIComponent(ticketId)}/${action.replace('_', '-')}`, body, key);
}

let departments: Promise<DepartmentView[]> | null = null;
/** The departments a ticket can be escalated to: a catalogue that does not change while the page is open. */
export function departmentsOnce(): Promise<DepartmentView[]> {
  departments ??= api('GET /api/departments').catch((e) => { departments = null; throw e; });
  return departments;
}

/** Signs out (the server ends the session and its live sockets); a network failure is no reason to stay. */
export function signOut(): Promise<void> {
  return api('POST /api/auth/logout').catch(() => {});
}

