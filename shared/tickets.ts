// The ticket status machine: which action, by which role, from which status, with which fields.
import { OFFICE_ROLES, ROLES, type Role } from './domain.ts';

export const TICKET_STATUSES = ['reported', 'dispatched', 'accepted', 'responded', 'resolved', 'closed', 'escalated', 'rejected', 'reopened'] as const;
export type TicketStatus = (typeof TICKET_STATUSES)[number];
export const TICKET_STATUS_LABELS: Record<TicketStatus, { zh: string; en: string }> = {
  reported: { zh: '待派单', en: 'Reported' },
  dispatched: { zh: '已派单', en: 'Dispatched' },
  accepted: { zh: '已接单', en: 'Accepted' },
  responded: { zh: '已响应', en: 'Responded' },
  resolved: { zh: '已办结', en: 'Resolved' },
  closed: { zh: '已销号', en: 'Closed' },
  escalated: { zh: '已吹哨', en: 'Escalated' },
  rejected: { zh: '不予受理', en: 'Rejected' },
  reopened: { zh: '已重启', en: 'Reopened' },
};

/** Statuses a live screen keeps; closed and rejected tickets leave it. */
export const LIVE_STATUSES: readonly TicketStatus[] = ['reported', 'dispatched', 'accepted', 'responded', 'resolved', 'escalated', 'reopened'];
/** Statuses that count as "open now" (work remains for the street office). */
export const OPEN_STATUSES: readonly TicketStatus[] = ['reported', 'dispatched', 'accepted', 'responded', 'escalated', 'reopened'];
/** Statuses waiting for someone to be dispatched. */
export const AWAITING_DISPATCH: readonly TicketStatus[] = ['reported', 'reopened'];

export const TICKET_ACTIONS = [
  'dispatch', 'accept', 'decline', 'expire', 'respond', 'resolve', 'close',
  'escalate', 'department_accept', 'reject', 'reopen',
] as const;
export type TicketAction = (typeof TICKET_ACTIONS)[number];
export const TICKET_ACTION_LABELS: Record<TicketAction | 'report' | 'rate' | 'photo' | 'alert', { zh: string; en: string }> = {
  report: { zh: '上报', en: 'reported' },
  dispatch: { zh: '派单', en: 'dispatched' },
  accept: { zh: '已接单', en: 'accepted' },
  decline: { zh: '拒单', en: 'declined' },
  expire: { zh: '派单超时', en: 'offer expired' },
  respond: { zh: '已到场/已联系', en: 'responded' },
  resolve: { zh: '已办结', en: 'resolved' },
  close: { zh: '核实销号', en: 'closed' },
  escalate: { zh: '吹哨上报', en: 'escalated' },
  department_accept: { zh: '部门已受理', en: 'department accepted' },
  reject: { zh: '不予受理', en: 'rejected' },
  reopen: { zh: '重新办理', en: 'reopened' },
  rate: { zh: '居民评价', en: 'rated' },
  photo: { zh: '上传照片', en: 'photo added' },
  alert: { zh: '无人可派，已提醒网格长', en: 'no one available, grid leader alerted' },
};

/**
 * Who performs an action: a signed-in role, the server itself (offer timeouts), or a resident on their tracking page
 * (a rating of 1–2 reopens the ticket).
 */
export type Actor = Role | 'system' | 'resident';
export interface TransitionRule {
  from: readonly TicketStatus[];
  by: readonly Actor[];
  /** The status after the action; `back` = the status that awaits dispatch (reported, or reopened after a reopen). */
  to: TicketStatus | 'same' | 'back';
}

const OFFICE: readonly Actor[] = OFFICE_ROLES;

/**
 * The machine. A responder may act only on their own offer or assignment; that ownership rule is
 * checked by the server against the database, this table says which roles may try at all.
 */
export const TRANSITIONS: Record<TicketAction, TransitionRule> = {
  dispatch: { from: ['reported', 'reopened', 'dispatched'], by: [...OFFICE, 'system'], to: 'dispatched' },
  accept: { from: ['dispatched'], by: ['responder'], to: 'accepted' },
  decline: { from: ['dispatched'], by: ['responder'], to: 'back' },
  expire: { from: ['dispatched'], by: ['system'], to: 'back' },
  respond: { from: ['accepted', 'reported', 'dispatched', 'reopened'], by: ['responder', ...OFFICE], to: 'responded' },
  resolve: { from: ['responded', 'escalated'], by: ['responder', ...OFFICE], to: 'resolved' },
  close: { from: ['resolved'], by: OFFICE, to: 'closed' },
  escalate: { from: ['reported', 'dispatched', 'accepted', 'responded', 'reopened'], by: OFFICE, to: 'escalated' },
  department_accept: { from: ['escalated'], by: OFFICE, to: 'same' },
  reject: { from: ['reported', 'dispatched', 'reopened'], by: OFFICE, to: 'rejected' },
  reopen: { from: ['resolved', 'closed'], by: [...OFFICE, 'resident'], to: 'reopened' },
};

/** Every role that may take some action on a ticket: the REST action route is open to these and no others. */
export const ACTING_ROLES = [...new Set(Object.values(TRANSITIONS).flatMap((r) => r.by))].filter((a): a is Role => (ROLES as readonly string[]).includes(a));

/** Extra constraints a responder's action has beyond the table (checked with the ticket's row). */
export const RESPONDER_ONLY_FROM: Partial<Record<TicketAction, readonly TicketStatus[]>> = {
  respond: ['accepted'],
  resolve: ['responded'],
};

export interface TicketState { status: TicketStatus; reopenCount: number }

export type TransitionCheck =
  | { ok: true; to: TicketStatus }
  | { ok: false; reason: 'role' | 'state'; message: string };

/** The status `action` by `actor` leads to from `state`, fields aside; null when the machine does not allow it. */
export function nextStatus(state: TicketState, action: TicketAction, actor: Actor): TicketStatus | null {
  const rule = TRANSITIONS[action];
  if (!rule.by.includes(actor)) return null;
  const from = actor === 'responder' && RESPONDER_ONLY_FROM[action] ? RESPONDER_ONLY_FROM[action]! : rule.from;
  if (!from.includes(state.status)) return null;
  return rule.to === 'same' ? state.status : rule.to === 'back' ? awaitingDispatchStatus(state) : rule.to;
}

/**
 * Decides whether `actor` may apply `action` to a ticket in `state`; pure, shared by all sides. What the action's body
 * must carry is its schema's business (ACTION_BODIES in schemas.ts), checked where the body is parsed.
 */
export function checkTransition(state: TicketState, action: TicketAction, actor: Actor): TransitionCheck {
  const rule = TRANSITIONS[action];
  if (!rule.by.includes(actor)) {
    return { ok: false, reason: 'role', message: `role ${actor} may not ${action} a ticket` };
  }
  const to = nextStatus(state, action, actor);
  if (to === null) {
    const allowed = allowedActions(state, actor).join(', ') || 'none';
    return { ok: false, reason: 'state', message: `cannot ${action}: ticket is ${state.status}; allowed actions: ${allowed}` };
  }
  return { ok: true, to };
}

export function awaitingDispatchStatus(state: TicketState): TicketStatus {
  return state.reopenCount > 0 ? 'reopened' : 'reported';
}

/** The actions `actor` could take on a ticket in `state` (fields aside). */
export function allowedActions(state: TicketState, actor: Actor): TicketAction[] {
  return TICKET_ACTIONS.filter((a) => nextStatus(state, a, actor) !== null);
}

/**
 * The actions a responder's phone can take at all. Written out so the phone's types know them; test/status-machine
 * proves it is exactly the machine's list (every action whose `by` includes responder).
 */
export const RESPONDER_ACTIONS = ['accept', 'decline', 'respond', 'resolve'] as const satisfies readonly TicketAction[];
export type ResponderAction = (typeof RESPONDER_ACTIONS)[number];
