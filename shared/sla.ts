// The 10-minute commitment made exact: deadlines, remaining time, ok / warning / breached.
import type { TicketStatus } from './tickets.ts';

/** A ticket turns amber once this fraction of its response target has elapsed. */
export const WARNING_FRACTION = 0.8;
export const DEFAULT_RESPONSE_TARGET_MIN = 10;

export type SlaState = 'ok' | 'warning' | 'breached';
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
  if (t.status === 'rejected') return { running: false, state: 'excluded', deadlineMs, responseMs: null };
  if (t.respondedAt) {
    const respondedMs = Date.parse(t.respondedAt);
    return { running: false, state: respondedMs <= deadlineMs ? 'met' : 'missed', deadlineMs, responseMs: respondedMs - Date.parse(t.reportedAt) };
  }
  const state = slaStateAt(Date.parse(t.reportedAt), t.responseTargetS * 1000, nowMs);
  return { running: true, state, deadlineMs, remainingMs: deadlineMs - nowMs };
}

/** The next instant the response clock changes state by time alone, or null if it never will. */
export function nextSlaChangeMs(t: SlaTicket, nowMs: number): number | null {
  if (t.respondedAt || t.status === 'rejected') return null;
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

/** Escalated tickets run on the department's own clock. */
export function escalationClock(dueAt: string | null, resolvedAt: string | null, nowMs: number): { state: SlaState | 'met' | 'missed'; remainingMs: number } | null {
  if (!dueAt) return null;
  const due = Date.parse(dueAt);
  if (resolvedAt) return { state: Date.parse(resolvedAt) <= due ? 'met' : 'missed', remainingMs: due - Date.parse(resolvedAt) };
  return { state: nowMs > due ? 'breached' : 'ok', remainingMs: due - nowMs };
}
