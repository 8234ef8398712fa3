// Why a ticket was late, from its history: the causes, their thresholds and the classifier, once. The reports' SQL
// (server/reports/why-late-sql.ts) is built from the same table and test/why-late.test.ts proves they agree.
import type { TicketEventView } from './api.ts';

/** Shares of the response target that mark a step as the one that made the ticket late. */
export const WHY_LATE_THRESHOLDS = {
  /** Entered by staff more than this share of the target after the resident reported (热线/民意箱 entered late). */
  enteredLateShare: 0.5,
  /** No offer made within this share of the target (and no "nobody available" alert). */
  dispatchLateShare: 0.5,
  /** First acceptance later than this share of the target after the report. */
  acceptLateShare: 0.5,
} as const;

/** The causes in the order they are tested: the first that holds is the ticket's cause (exactly one per late ticket). */
export const LATE_CAUSES = ['entered_late', 'escalated', 'no_one_available', 'dispatch_late', 'offers_passed', 'accepted_late', 'slow_to_arrive'] as const;
export type LateCause = (typeof LATE_CAUSES)[number];

export const LATE_CAUSE_LABELS: Record<LateCause, { zh: string; en: string; defZh: string; defEn: string }> = {
  entered_late: {
    zh: '录入延迟', en: 'Entered late',
    defZh: '工作人员录入工单时，距居民上报已超过响应时限的一半（如热线、民意收集箱补录）。',
    defEn: 'Staff entered the ticket more than half the response target after the resident reported it (hotline, suggestion box).',
  },
  escalated: {
    zh: '先吹哨未响应', en: 'Escalated before response',
    defZh: '在时限内吹哨转交职能部门，但此前无人到场或联系居民；响应时钟并未因吹哨停止。',
    defEn: 'Handed to a city department within the target before anyone responded; escalation does not stop the response clock.',
  },
  no_one_available: {
    zh: '无人可派', en: 'Nobody available',
    defZh: '时限内自动派单找不到可用人员，系统已提醒网格长。',
    defEn: 'Within the target, auto-dispatch found nobody available and alerted the grid leader.',
  },
  dispatch_late: {
    zh: '派单迟缓', en: 'Dispatched late',
    defZh: '响应时限过半仍未派单（且没有“无人可派”提醒）。',
    defEn: 'No offer was made within half the response target (and no "nobody available" alert).',
  },
  offers_passed: {
    zh: '拒单/派单超时', en: 'Offers declined or timed out',
    defZh: '首次接单前（时限内）有派单被拒绝或超时未接，转派下一人。',
    defEn: 'Before the first acceptance (within the target) one or more offers were declined or timed out.',
  },
  accepted_late: {
    zh: '接单迟缓', en: 'Accepted late',
    defZh: '派单后无人拒单，但接单时已过响应时限的一半（或一直未接单）。',
    defEn: 'Offered without declines, but accepted more than half the target after the report (or never).',
  },
  slow_to_arrive: {
    zh: '到场迟缓', en: 'Slow to arrive',
    defZh: '时限过半前已接单，但到场/联系居民晚于时限（或仍未到场）。',
    defEn: 'Accepted within half the target, yet on site / in contact after the target (or not yet).',
  },
};

/**
 * What the classifier reads, all from the ticket and its history, each counted up to the response deadline so
 * that a late ticket's cause never changes afterwards.
 */
export interface LateInput {
  reportedMs: number;
  responseTargetS: number;
  /** When the ticket was entered (its `report` event); null = at reportedMs. */
  enteredMs: number | null;
  /** First offer (`dispatch` event). */
  firstOfferMs: number | null;
  /** First acceptance (`accept` event). */
  firstAcceptMs: number | null;
  respondedMs: number | null;
  /** First escalation (`escalate` event). */
  firstEscalatedMs: number | null;
  /** Offers declined or expired before the first acceptance and not after the deadline. */
  passes: number;
  /** A "nobody available" alert at or before the deadline. */
  alerted: boolean;
}

type Rule = (x: LateInput, deadlineMs: number, targetMs: number) => boolean;

/** One predicate per cause, in LATE_CAUSES order; server/reports/why-late-sql.ts mirrors each one. */
export const LATE_CAUSE_RULES: Record<LateCause, Rule> = {
  entered_late: (x, _d, T) => x.enteredMs != null && x.enteredMs - x.reportedMs > WHY_LATE_THRESHOLDS.enteredLateShare * T,
  escalated: (x, d) => x.firstEscalatedMs != null && x.firstEscalatedMs <= d && (x.respondedMs == null || x.firstEscalatedMs < x.respondedMs),
  no_one_available: (x) => x.alerted,
  dispatch_late: (x, _d, T) => x.firstOfferMs == null || x.firstOfferMs - x.reportedMs > WHY_LATE_THRESHOLDS.dispatchLateShare * T,
  offers_passed: (x) => x.passes > 0,
  accepted_late: (x, _d, T) => x.firstAcceptMs == null || x.firstAcceptMs - x.reportedMs > WHY_LATE_THRESHOLDS.acceptLateShare * T,
  slow_to_arrive: () => true,
};

/** The cause of a late ticket (call it only for tickets the response clock calls late). */
export function lateCause(x: LateInput): LateCause {
  const T = x.responseTargetS * 1000;
  const d = x.reportedMs + T;
  for (const c of LATE_CAUSES) if (LATE_CAUSE_RULES[c](x, d, T)) return c;
  return 'slow_to_arrive';
}

/** The classifier's input from a ticket and its timeline (the drill-down explains a cause with it). */
export function lateInputFromHistory(
  t: { reportedAt: string; respondedAt: string | null; responseTargetS: number },
  events: ReadonlyArray<Pick<TicketEventView, 'action' | 'at'>>,
): LateInput {
  const reportedMs = Date.parse(t.reportedAt);
  const deadline = reportedMs + t.responseTargetS * 1000;
  const first = (action: string) => {
    let m: number | null = null;
    for (const e of events) if (e.action === action) { const at = Date.parse(e.at); if (m == null || at < m) m = at; }
    return m;
  };
  const firstAcceptMs = first('accept');
  const passes = events.filter((e) => (e.action === 'decline' || e.action === 'expire') && Date.parse(e.at) <= deadline
    && (firstAcceptMs == null || Date.parse(e.at) < firstAcceptMs)).length;
  return {
    reportedMs, responseTargetS: t.responseTargetS,
    enteredMs: first('report'), firstOfferMs: first('dispatch'), firstAcceptMs,
    respondedMs: t.respondedAt ? Date.parse(t.respondedAt) : null,
    firstEscalatedMs: first('escalate'), passes,
    alerted: events.some((e) => e.action === 'alert' && Date.parse(e.at) <= deadline),
  };
}
