// Small REST client for the console and the phone page: JSON in and out, the server's safe error message surfaced.
import type { ApiErrorBody, DepartmentView } from '../../shared/api.ts';

export class ApiError extends Error {
  constructor(readonly status: number, readonly code: string, message: string, readonly field?: string) {
    super(message);
    this.name = 'ApiError';
  }
}

/** A fresh idempotency key: one per user intention, reused by every retry of it. */
export function newKey(): string {
  return typeof crypto !== 'undefined' && 'randomUUID' in crypto ? crypto.randomUUID() : `k${Date.now().toString(36)}${Math.random().toString(36).slice(2, 12)}`;
}

async function request<T>(method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<T> {
  const res = await fetch(path, {
    method,
    credentials: 'same-origin',
    headers: { ...(body !== undefined ? { 'content-type': 'application/json' } : {}), ...headers },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (res.status === 204) return undefined as T;
  const data = await res.json().catch(() => null);
  if (!res.ok) {
    const err = (data as ApiErrorBody | null)?.error;
    throw new ApiError(res.status, err?.code ?? 'internal', err?.message ?? `HTTP ${res.status}`, err?.field);
  }
  return data as T;
}

export const apiGet = <T>(path: string) => request<T>('GET', path);
export const apiPost = <T>(path: string, body: unknown = {}, opts: { key?: string } = {}) =>
  request<T>('POST', path, body, opts.key ? { 'idempotency-key': opts.key } : {});

let departments: Promise<DepartmentView[]> | null = null;
/** The departments a ticket can be escalated to: a catalogue that does not change while the page is open. */
export function departmentsOnce(): Promise<DepartmentView[]> {
  departments ??= apiGet<DepartmentView[]>('/api/departments').catch((e) => { departments = null; throw e; });
  return departments;
}

/** A query string from the defined values only. */
export function qs(params: Record<string, string | number | null | undefined>): string {
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
