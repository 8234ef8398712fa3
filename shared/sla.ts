// The 10-minute commitment made exact, once: which statuses the response clock applies to, when it stops, and what
// counts as awaiting, warning, breached (overdue), met, missed and excluded. Server SQL is built from these constants
// (server/tickets/response-clock.ts) and test/response-clock.test.ts proves the two agree row by row.
import type { TicketStatus } from './tickets.ts';

/** A ticket turns amber once this fraction of its response target has elapsed. */
export const WARNING_FRACTION = 0.8;

/**
 * The promise is to the resident: for every status but the excluded ones the clock runs from `reported_at` until
 * `responded_at`, whatever happens meanwhile (an escalated, resolved or closed ticket nobody responded to is late
 * once past its target; the department's own time limit is a second clock, see escalationClock). Rejected tickets
 * (duplicates, not actionable) are never due. A Record over every status: a new status must be placed here.
 */
export const RESPONSE_CLOCK_BY_STATUS = {
  reported: 'counts',
  dispatched: 'counts',
  accepted: 'counts',
  responded: 'counts',
  resolved: 'counts',
  closed: 'counts',
  escalated: 'counts',
  reopened: 'counts',
  rejected: 'excluded',
} as const satisfies Record<TicketStatus, 'counts' | 'excluded'>;

/** Statuses whose tickets the response clock ignores (shown as excluded in every rate). */
export const CLOCK_EXCLUDED_STATUSES: readonly TicketStatus[] = (Object.keys(RESPONSE_CLOCK_BY_STATUS) as TicketStatus[])
  .filter((s) => RESPONSE_CLOCK_BY_STATUS[s] === 'excluded');

export type SlaState = 'ok' | 'warning' | 'breached';
/** Every position of the clock: running (ok / warning / breached), stopped (met / missed), or excluded. */
export type ResponseClockState = SlaState | 'met' | 'missed' | 'excluded';
export const RESPONSE_CLOCK_STATES: readonly ResponseClockState[] = ['ok', 'warning', 'breached', 'met', 'missed', 'excluded'];

/** What the response clock says: still running (ok/warning/breached), or stopped (met/missed), or not applicable. */
export type ResponseClock =
  | { running: true; state: SlaState; deadlineMs: number; remainingMs: number }
  | { running: false; state: 'met' | 'missed' | 'excluded'; deadlineMs: number; responseMs: number | null };

export interface SlaTicket {
  status: TicketStatus;
  reportedAt: string;
  respondedAt: string | null;
  responseTargetS: number;
}

export function isClockExcluded(status: TicketStatus): boolean {
  return RESPONSE_CLOCK_BY_STATUS[status] === 'excluded';
}

/** Awaiting response: the clock is running (not responded yet, and the promise applies). */
export function isAwaitingResponse(t: Pick<SlaTicket, 'status' | 'respondedAt'>): boolean {
  return t.respondedAt == null && !isClockExcluded(t.status);
}

export function responseDeadlineMs(t: Pick<SlaTicket, 'reportedAt' | 'responseTargetS'>): number {
  return Date.parse(t.reportedAt) + t.responseTargetS * 1000;
}

export function warningAtMs(t: Pick<SlaTicket, 'reportedAt' | 'responseTargetS'>): number {
  return Date.parse(t.reportedAt) + Math.round(t.responseTargetS * 1000 * WARNING_FRACTION);
}

/**
 * State of a running clock at `nowMs`: ok before 80% of the target, warning from 80% up to and including
 * the deadline, breached after it. A response exactly at the deadline is on time.
 */
export function slaStateAt(startMs: number, targetMs: number, nowMs: number): SlaState {
  const elapsed = nowMs - startMs;
  if (elapsed > targetMs) return 'breached';
  if (elapsed >= Math.round(targetMs * WARNING_FRACTION)) return 'warning';
  return 'ok';
}

export function responseClock(t: SlaTicket, nowMs: number): ResponseClock {
  const deadlineMs = responseDeadlineMs(t);
  if (isClockExcluded(t.status)) return { running: false, state: 'excluded', deadlineMs, responseMs: null };
  if (t.respondedAt != null) {
    const respondedMs = Date.parse(t.respondedAt);
    return { running: false, state: respondedMs <= deadlineMs ? 'met' : 'missed', deadlineMs, responseMs: respondedMs - Date.parse(t.reportedAt) };
  }
  const state = slaStateAt(Date.parse(t.reportedAt), t.responseTargetS * 1000, nowMs);
  return { running: true, state, deadlineMs, remainingMs: deadlineMs - nowMs };
}

export function responseClockState(t: SlaTicket, nowMs: number): ResponseClockState {
  return responseClock(t, nowMs).state;
}

/** Overdue: still awaiting response and past the target (breached). */
export function isOverdue(t: SlaTicket, nowMs: number): boolean {
  return responseClockState(t, nowMs) === 'breached';
}

/** The response was due: answered (on time or not), or unanswered past the target. Not yet due: still within it. */
export function isResponseDue(t: SlaTicket, nowMs: number): boolean {
  const s = responseClockState(t, nowMs);
  return s === 'met' || s === 'missed' || s === 'breached';
}

/** Late: answered after the target, or still unanswered past it. */
export function isResponseLate(t: SlaTicket, nowMs: number): boolean {
  const s = responseClockState(t, nowMs);
  return s === 'missed' || s === 'breached';
}

/** The next instant the response clock changes state by time alone, or null if it never will. */
export function nextSlaChangeMs(t: SlaTicket, nowMs: number): number | null {
  if (!isAwaitingResponse(t)) return null;
  const warn = warningAtMs(t);
  if (nowMs < warn) return warn;
  const deadline = responseDeadlineMs(t);
  if (nowMs <= deadline) return deadline + 1;
  return null;
}

/** "还剩 3:12" / "超时 2:05": a countdown that turns into a count-up past the deadline. */
export function formatCountdown(remainingMs: number, lang: 'zh' | 'en' = 'zh'): string {
  const over = remainingMs < 0;
  const totalS = Math.floor(Math.abs(remainingMs) / 1000);
  const h = Math.floor(totalS / 3600);
  const m = Math.floor((totalS % 3600) / 60);
  const s = totalS % 60;
  const clock = (h > 0 ? `${h}:${String(m).padStart(2, '0')}` : `${m}`) + ':' + String(s).padStart(2, '0');
  if (lang === 'en') return over ? `late ${clock}` : `${clock} left`;
  return over ? `超时 ${clock}` : `还剩 ${clock}`;
}

/** When a ticket is due resolved (按期办结): its category's resolution target, counted from the report. */
export function resolutionDeadlineMs(t: { reportedAt: string | Date; resolutionTargetS: number }): number {
  return new Date(t.reportedAt).getTime() + t.resolutionTargetS * 1000;
}

/**
 * The resolution target (按期办结): per category, counted from the report like the response clock, with the same
 * exclusions. Due once resolved, or unresolved past the target.
 */
export function resolutionState(t: { status: TicketStatus; reportedAt: string; resolvedAt: string | null; resolutionTargetS: number }, nowMs: number): 'excluded' | 'met' | 'missed' | 'running' | 'overdue' {
  if (isClockExcluded(t.status)) return 'excluded';
  const due = resolutionDeadlineMs(t);
  if (t.resolvedAt != null) return Date.parse(t.resolvedAt) <= due ? 'met' : 'missed';
  return nowMs > due ? 'overdue' : 'running';
}

/**
 * Escalated tickets also run on the department's own clock (吹哨: its time limit, from escalation to resolution),
 * beside the response clock above: met when resolved by `dueAt`, breached once past it unresolved.
 */
export function escalationClock(dueAt: string | null, resolvedAt: string | null, nowMs: number): { state: SlaState | 'met' | 'missed'; remainingMs: number } | null {
  if (!dueAt) return null;
  const due = Date.parse(dueAt);
  if (resolvedAt) return { state: Date.parse(resolvedAt) <= due ? 'met' : 'missed', remainingMs: due - Date.parse(resolvedAt) };
  return { state: nowMs > due ? 'breached' : 'ok', remainingMs: due - nowMs };
}
