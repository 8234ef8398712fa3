// The REST transport every page shares, without the body schemas: a request, the server's safe error as ApiError,
// query strings, and `get` — a GET of the shared contract (shared/rest.ts), typed by its endpoint, which needs no
// schema at run time (a GET has no body; the server parses its query). Read-only pages (the reports) use this alone
// and so load no validation library; client/api.ts adds the body-checked calls.
import type { ApiErrorBody } from '../shared/api.ts';
import type { RestKey, RestResult } from '../shared/rest.ts';

export class ApiError extends Error {
  constructor(readonly status: number, readonly code: string, message: string, readonly field?: string, readonly retryAfterS?: number) {
    super(message);
    this.name = 'ApiError';
  }
}

export type Query = Record<string, string | number | null | undefined>;
type GetKey = Extract<RestKey, `GET ${string}`>;

/** An endpoint's path with its `:params` filled in. */
export function pathOf(template: string, params: Record<string, string> = {}): string {
  return template.replace(/:([a-zA-Z]+)/g, (_, name: string) => encodeURIComponent(params[name] ?? ''));
}

/** A GET of the contract: `get('GET /api/tickets/:id', { params: { id } })`. */
export function get<K extends GetKey>(endpoint: K, opts: { params?: Record<string, string>; query?: Query } = {}): Promise<RestResult<K>> {
  return request<RestResult<K>>('GET', pathOf(endpoint.slice(4), opts.params) + qs(opts.query ?? {}), undefined);
}

export async function request<T>(method: string, path: string, body: unknown, key?: string): Promise<T> {
  const res = await fetch(path, {
    method,
    credentials: 'same-origin',
    headers: { ...(body !== undefined ? { 'content-type': 'application/json' } : {}), ...(key ? { 'idempotency-key': key } : {}) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (res.status === 204) return undefined as T;
  const data = await res.json().catch(() => null);
  if (!res.ok) {
    const err = (data as ApiErrorBody | null)?.error;
    throw new ApiError(res.status, err?.code ?? 'internal', err?.message ?? `HTTP ${res.status}`, err?.field, err?.retryAfterS);
  }
  return data as T;
}

/** A query string from the defined values only. */
export function qs(params: Query): string {
  const u = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== null && v !== '') u.set(k, String(v));
  const s = u.toString();
  return s ? `?${s}` : '';
}

/** A message for a failed request in the UI: the server's own words, or "network" when it was never reached. */
export function errorText(e: unknown, network: string): string {
  if (e instanceof ApiError) return e.message;
  return network;
}
