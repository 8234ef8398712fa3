// The phone's outbox as plain functions: items kept in localStorage, each with its Idempotency-Key, retried with backoff.
import { nextStatus, type ResponderAction, type TicketStatus } from '../../shared/tickets.ts';

/** What the machine lets a responder do (RESPONDER_ACTIONS, shared/tickets.ts). */
export type PhoneAction = ResponderAction;

export interface OutboxItem {
  /** Also the Idempotency-Key: every retry of this item is the same request to the server. */
  key: string;
  ticketId: string;
  kind: 'action' | 'photo';
  action?: PhoneAction;
  body?: Record<string, unknown>;
  /** A downscaled JPEG as base64, so it survives a reload while the network is away. */
  photo?: { base64: string; contentType: string };
  createdAt: number;
  attempts: number;
  /** Epoch ms before which it is not tried again. */
  nextAt: number;
  state: 'waiting' | 'sending' | 'failed';
  error: string | null;
  /** The HTTP status of the last answer (null: never reached the server). */
  httpStatus?: number | null;
}

export type Outcome = 'done' | 'retry' | 'fail';

/** null = the server was never reached. Timeouts, throttling and server trouble are worth another try; a refusal is not. */
export function classify(status: number | null): Outcome {
  if (status === null) return 'retry';
  if (status >= 200 && status < 300) return 'done';
  if (status === 408 || status === 425 || status === 429 || status >= 500) return 'retry';
  return 'fail';
}

export const BACKOFF_BASE_MS = 1000;
export const BACKOFF_MAX_MS = 30_000;

/** 1 s, 2 s, 4 s … up to 30 s, with ±20 % jitter so a street's worth of phones do not retry in step. */
export function backoffMs(attempts: number, rnd: () => number = Math.random): number {
  const base = Math.min(BACKOFF_MAX_MS, BACKOFF_BASE_MS * 2 ** Math.max(0, attempts - 1));
  return Math.round(base * (0.8 + 0.4 * rnd()));
}

/** Reads the stored outbox; an item caught mid-send by a reload is simply waiting again (its key makes that safe). */
export function loadItems(storage: Pick<Storage, 'getItem'> | null, storageKey: string): OutboxItem[] {
  try {
    const raw = storage?.getItem(storageKey);
    const items = raw ? (JSON.parse(raw) as OutboxItem[]) : [];
    return Array.isArray(items) ? items.map((i) => (i.state === 'sending' ? { ...i, state: 'waiting' as const } : i)) : [];
  } catch {
    return [];
  }
}

/** Stores the outbox; false when storage is full or disabled (the items still live in memory). */
export function saveItems(storage: Pick<Storage, 'setItem' | 'removeItem'> | null, storageKey: string, items: OutboxItem[]): boolean {
  try {
    if (!storage) return false;
    if (items.length === 0) storage.removeItem(storageKey);
    else storage.setItem(storageKey, JSON.stringify(items));
    return true;
  } catch {
    return false;
  }
}

/** The next item to send: the oldest one not given up on (order matters: a photo before its resolve). */
export function nextItem(items: readonly OutboxItem[]): OutboxItem | null {
  return items.find((i) => i.state !== 'failed') ?? null;
}

/** The server refused an answer to this ticket's offer: the offer is gone (timed out, or passed to someone else). */
export function offerRefused(items: readonly OutboxItem[], ticketId: string): boolean {
  return items.some((i) => i.ticketId === ticketId && i.state === 'failed' && (i.action === 'accept' || i.action === 'decline'));
}

/** Actions still waiting for a ticket, oldest first. */
export function pendingActions(items: readonly OutboxItem[], ticketId: string): PhoneAction[] {
  return items.filter((i) => i.ticketId === ticketId && i.kind === 'action' && i.state !== 'failed' && i.action).map((i) => i.action!);
}

/**
 * The status the responder will see once what is queued has gone through, by the shared status machine: the page acts
 * on it at once. A declined offer leaves the phone ('declined'); an action the machine would refuse changes nothing.
 */
export function effectiveStatus(status: TicketStatus, pending: readonly PhoneAction[]): TicketStatus | 'declined' {
  let s: TicketStatus | 'declined' = status;
  for (const a of pending) {
    if (s === 'declined') break;
    const to = nextStatus({ status: s, reopenCount: 0 }, a, 'responder');
    if (to !== null) s = a === 'decline' ? 'declined' : to;
  }
  return s;
}

export function base64ToBytes(b64: string): Uint8Array<ArrayBuffer> {
  const bin = atob(b64);
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}

/** Sends one item; answers the HTTP status (null if the network failed) and the server's message. */
export async function sendItem(item: OutboxItem, fetchFn: typeof fetch = fetch, timeoutMs = 20_000): Promise<{ status: number | null; message: string | null }> {
  const abort = new AbortController();
  const timer = setTimeout(() => abort.abort(), item.kind === 'photo' ? timeoutMs * 3 : timeoutMs);
  try {
    const res = item.kind === 'photo'
      ? await fetchFn(`/api/tickets/${item.ticketId}/photos`, {
        method: 'POST', credentials: 'same-origin', signal: abort.signal,
        headers: { 'content-type': item.photo!.contentType, 'idempotency-key': item.key },
        body: new Blob([base64ToBytes(item.photo!.base64)], { type: item.photo!.contentType }),
      })
      : await fetchFn(`/api/tickets/${item.ticketId}/${item.action}`, {
        method: 'POST', credentials: 'same-origin', signal: abort.signal,
        headers: { 'content-type': 'application/json', 'idempotency-key': item.key },
        body: JSON.stringify(item.body ?? {}),
      });
    let message: string | null = null;
    if (!res.ok) message = ((await res.json().catch(() => null)) as { error?: { message?: string } } | null)?.error?.message ?? `HTTP ${res.status}`;
    return { status: res.status, message };
  } catch {
    return { status: null, message: null };
  } finally {
    clearTimeout(timer);
  }
}
