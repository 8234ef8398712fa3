// The console's queue as pure functions: which tickets a filter keeps and in what order (least time left first).
import type { TicketView } from '../../shared/api.ts';
import { escalationClock, isOverdue, responseClock } from '../../shared/sla.ts';
import { AWAITING_DISPATCH, type TicketStatus } from '../../shared/tickets.ts';
import { isAwaitingResponse, ticketLook, type TicketLook } from '../live/derive.ts';

/** "State" filter choices. The last two are not live: the console asks the REST list for them. */
export const STATE_FILTERS = ['live', 'awaiting', 'offered', 'working', 'resolved', 'escalated', 'overdue', 'closed', 'rejected'] as const;
export type StateFilter = (typeof STATE_FILTERS)[number];
export const REST_STATES: readonly StateFilter[] = ['closed', 'rejected'];

const STATUSES: Partial<Record<StateFilter, readonly TicketStatus[]>> = {
  awaiting: AWAITING_DISPATCH,
  offered: ['dispatched'],
  working: ['accepted', 'responded'],
  resolved: ['resolved'],
  escalated: ['escalated'],
  closed: ['closed'],
  rejected: ['rejected'],
};

export interface QueueFilter { communityId: string; gridId: string; category: string; state: StateFilter }
export const EMPTY_FILTER: QueueFilter = { communityId: '', gridId: '', category: '', state: 'live' };

export function matches(t: TicketView, f: QueueFilter, nowMs: number): boolean {
  if (f.communityId && t.communityId !== f.communityId) return false;
  if (f.gridId && t.gridId !== f.gridId) return false;
  if (f.category && t.category !== f.category) return false;
  if (f.state === 'live') return true;
  // The same rule as the REST list's `overdue=true` (server/tickets/response-clock.ts builds it from shared/sla.ts).
  if (f.state === 'overdue') return isOverdue(t, nowMs);
  return STATUSES[f.state]?.includes(t.status) ?? false;
}

export interface QueueRow {
  ticket: TicketView;
  look: TicketLook;
  /** Time left on the clock that matters now: the response target, or the department's limit once escalated. */
  remainingMs: number | null;
  clock: 'response' | 'escalation' | null;
}

/** Sort groups: running response clocks, then escalations, then on-site work, then waiting for verification. */
function group(r: QueueRow): number {
  if (r.clock === 'response') return 0;
  if (r.clock === 'escalation') return 1;
  if (r.ticket.status === 'resolved') return 3;
  if (r.ticket.status === 'closed' || r.ticket.status === 'rejected') return 4;
  return 2;
}

export function toRow(t: TicketView, nowMs: number): QueueRow {
  const look = ticketLook(t, nowMs);
  // Once escalated the department's limit is what the console can still act on; the response clock keeps running
  // (and colours the row) until someone responds.
  if (t.status === 'escalated') {
    const c = escalationClock(t.escalationDueAt, t.resolvedAt, nowMs);
    if (c) return { ticket: t, look, remainingMs: c.remainingMs, clock: 'escalation' };
  }
  if (isAwaitingResponse(t)) {
    const c = responseClock(t, nowMs);
    if (c.running) return { ticket: t, look, remainingMs: c.remainingMs, clock: 'response' };
  }
  return { ticket: t, look, remainingMs: null, clock: null };
}

/** Breached first (most overdue on top), then the least time left; finished work sinks to the bottom. */
export function compareRows(a: QueueRow, b: QueueRow): number {
  const g = group(a) - group(b);
  if (g !== 0) return g;
  if (a.remainingMs !== null && b.remainingMs !== null && a.remainingMs !== b.remainingMs) return a.remainingMs - b.remainingMs;
  if (group(a) === 4) return Number(b.ticket.id) - Number(a.ticket.id);
  return Date.parse(a.ticket.reportedAt) - Date.parse(b.ticket.reportedAt) || Number(a.ticket.id) - Number(b.ticket.id);
}

export function queueRows(tickets: Iterable<TicketView>, f: QueueFilter, nowMs: number): QueueRow[] {
  const rows: QueueRow[] = [];
  for (const t of tickets) if (matches(t, f, nowMs)) rows.push(toRow(t, nowMs));
  return rows.sort(compareRows);
}
