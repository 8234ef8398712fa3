// Pure views derived from live tickets and responders: counts, the closest-to-breach list, per-community rows.
import type { CommunityView, ResponderView, TicketView, WallCommunityKpis, WallKpiBoard } from '../../shared/api.ts';
import { isAwaitingResponse, slaStateAt, type SlaState } from '../../shared/sla.ts';
import { OPEN_STATUSES } from '../../shared/tickets.ts';

// Which tickets await a response, and when they are amber or red, is the shared rule (shared/sla.ts), evaluated here
// on server time (store.now); the server's `sla` stream changes mark the same instants.
export { isAwaitingResponse };

export function isOpen(t: TicketView): boolean {
  return OPEN_STATUSES.includes(t.status);
}

/** How a ticket is drawn: by its running response clock, else by where it is in the lifecycle. */
export type TicketLook = 'ok' | 'warning' | 'breached' | 'progress' | 'resolved';

/**
 * Every countdown on a wall is re-evaluated each second for thousands of tickets: parse each ticket's report time
 * once (ticket objects are replaced, never mutated, so a WeakMap keyed by them stays correct).
 */
const startMs = new WeakMap<TicketView, number>();

/** The running response clock (shared/sla.ts rules) of a ticket awaiting response, else null. */
export function runningClock(t: TicketView, nowMs: number): { state: SlaState; remainingMs: number } | null {
  if (!isAwaitingResponse(t)) return null;
  let start = startMs.get(t);
  if (start === undefined) startMs.set(t, (start = Date.parse(t.reportedAt)));
  const target = t.responseTargetS * 1000;
  return { state: slaStateAt(start, target, nowMs), remainingMs: start + target - nowMs };
}

export function ticketLook(t: TicketView, nowMs: number): TicketLook {
  if (t.status === 'resolved') return 'resolved';
  return runningClock(t, nowMs)?.state ?? 'progress';
}

export function openCountByGrid(tickets: Iterable<TicketView>): Map<string, number> {
  const counts = new Map<string, number>();
  for (const t of tickets) if (isOpen(t)) counts.set(t.gridId, (counts.get(t.gridId) ?? 0) + 1);
  return counts;
}

export interface LiveCounts { open: number; awaiting: number; breached: number; warning: number }

export function liveCounts(tickets: Iterable<TicketView>, nowMs: number): LiveCounts {
  const c: LiveCounts = { open: 0, awaiting: 0, breached: 0, warning: 0 };
  for (const t of tickets) {
    if (!isOpen(t)) continue;
    c.open++;
    if (!isAwaitingResponse(t)) continue;
    c.awaiting++;
    const look = ticketLook(t, nowMs);
    if (look === 'breached') c.breached++;
    else if (look === 'warning') c.warning++;
  }
  return c;
}

export interface BreachRow { ticket: TicketView; remainingMs: number; state: 'ok' | 'warning' | 'breached' }

/** Tickets awaiting response, least time left first (so breached ones, most overdue, lead). */
export function closestToBreach(tickets: Iterable<TicketView>, nowMs: number): BreachRow[] {
  const rows: BreachRow[] = [];
  for (const t of tickets) {
    const clock = runningClock(t, nowMs);
    if (clock) rows.push({ ticket: t, remainingMs: clock.remainingMs, state: clock.state });
  }
  rows.sort((a, b) => a.remainingMs - b.remainingMs);
  return rows;
}

export interface ResponderCounts { onDuty: number; available: number; busy: number }

export function responderCounts(responders: Iterable<ResponderView>): ResponderCounts {
  const c: ResponderCounts = { onDuty: 0, available: 0, busy: 0 };
  for (const r of responders) {
    if (r.dutyStatus === 'off_duty') continue;
    c.onDuty++;
    if (r.dutyStatus === 'available') c.available++;
    else c.busy++;
  }
  return c;
}

export interface CommunityRow {
  community: CommunityView;
  open: number;
  breached: number;
  kpis: WallCommunityKpis | null;
}

/** One row per community: live counts from tickets, today's rates from the KPI board; busiest first. */
export function communityRows(communities: readonly CommunityView[], tickets: Iterable<TicketView>, board: WallKpiBoard | null, nowMs: number): CommunityRow[] {
  const byId = new Map<string, CommunityRow>();
  for (const c of communities) byId.set(c.id, { community: c, open: 0, breached: 0, kpis: null });
  for (const t of tickets) {
    const row = byId.get(t.communityId);
    if (!row || !isOpen(t)) continue;
    row.open++;
    if (ticketLook(t, nowMs) === 'breached') row.breached++;
  }
  for (const k of board?.perCommunity ?? []) {
    const row = byId.get(k.communityId);
    if (row) row.kpis = k;
  }
  return [...byId.values()].sort((a, b) => b.breached - a.breached || b.open - a.open || a.community.name.localeCompare(b.community.name, 'zh'));
}
