// Metric definitions (DOMAIN.md) as one pure implementation: the server feeds it rows, tests check it.
import { responseClockState, type SlaTicket } from './sla.ts';

export interface MetricTicket {
  status: string;
  reportedAt: string;
  respondedAt: string | null;
  resolvedAt: string | null;
  closedAt: string | null;
  escalatedAt: string | null;
  responseTargetS: number;
  resolutionTargetS: number;
  rating: number | null;
  reopenCount: number;
  everResolved: boolean;
}

export interface Kpis {
  /** Tickets reported in the period. */
  reported: number;
  /** Rejected tickets (duplicates, not actionable): excluded from every rate, shown as excluded. */
  excluded: number;
  /** Tickets whose response was due: responded, or not responded and past the target. */
  responseDue: number;
  respondedOnTime: number;
  /** respondedOnTime ÷ responseDue; null when nothing was due. */
  onTimeResponseRate: number | null;
  responseP50S: number | null;
  responseP90S: number | null;
  /** 办结率: closed ÷ valid (valid = reported − excluded). */
  closureRate: number | null;
  /** 按期办结率: resolved within the resolution target ÷ tickets whose resolution was due. */
  onTimeResolutionRate: number | null;
  /** 满意率: ratings ≥ 4 ÷ rated. */
  satisfactionRate: number | null;
  rated: number;
  /** Rework rate: reopened ÷ ever resolved. */
  reworkRate: number | null;
  escalations: number;
}

export const KPI_LABELS: Record<'onTimeResponseRate' | 'responseP50S' | 'closureRate' | 'satisfactionRate' | 'onTimeResolutionRate' | 'reworkRate', { zh: string; en: string }> = {
  onTimeResponseRate: { zh: '按时响应率', en: 'On-time response' },
  responseP50S: { zh: '响应中位时长', en: 'Median response' },
  closureRate: { zh: '办结率', en: 'Closure rate' },
  satisfactionRate: { zh: '满意率', en: 'Satisfaction' },
  onTimeResolutionRate: { zh: '按期办结率', en: 'On-time resolution' },
  reworkRate: { zh: '返工率', en: 'Rework rate' },
};

/** Nearest-rank percentile of sorted values. */
export function percentile(sorted: number[], p: number): number | null {
  if (sorted.length === 0) return null;
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
  return sorted[Math.min(rank, sorted.length) - 1];
}

const ratio = (a: number, b: number) => (b === 0 ? null : a / b);

/** KPIs over tickets reported in a period, judged at `nowMs`. */
export function computeKpis(tickets: MetricTicket[], nowMs: number): Kpis {
  let excluded = 0, responseDue = 0, onTime = 0, closed = 0, resolutionDue = 0, resolvedOnTime = 0;
  let rated = 0, satisfied = 0, reopened = 0, everResolved = 0, escalations = 0;
  const responseTimes: number[] = [];
  for (const t of tickets) {
    const clock = responseClockState(t as SlaTicket, nowMs);
    if (clock === 'excluded') { excluded++; continue; }
    const reported = Date.parse(t.reportedAt);
    if (clock === 'met' || clock === 'missed' || clock === 'breached') responseDue++;
    if (clock === 'met') onTime++;
    if (t.respondedAt) responseTimes.push((Date.parse(t.respondedAt) - reported) / 1000);
    const resolutionDeadline = reported + t.resolutionTargetS * 1000;
    if (t.resolvedAt) {
      resolutionDue++;
      if (Date.parse(t.resolvedAt) <= resolutionDeadline) resolvedOnTime++;
    } else if (nowMs > resolutionDeadline) {
      resolutionDue++;
    }
    if (t.status === 'closed') closed++;
    if (t.rating != null) { rated++; if (t.rating >= 4) satisfied++; }
    if (t.everResolved) everResolved++;
    if (t.reopenCount > 0) reopened++;
    if (t.escalatedAt) escalations++;
  }
  responseTimes.sort((a, b) => a - b);
  const valid = tickets.length - excluded;
  return {
    reported: tickets.length,
    excluded,
    responseDue,
    respondedOnTime: onTime,
    onTimeResponseRate: ratio(onTime, responseDue),
    responseP50S: percentile(responseTimes, 50),
    responseP90S: percentile(responseTimes, 90),
    closureRate: ratio(closed, valid),
    onTimeResolutionRate: ratio(resolvedOnTime, resolutionDue),
    satisfactionRate: ratio(satisfied, rated),
    rated,
    reworkRate: ratio(reopened, everResolved),
    escalations,
  };
}
