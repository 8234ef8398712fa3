// The public view of one ticket (tracking page, Open311 notes): built from the ticket and its history through a
// short list of columns, so nothing that is not listed here (names, phones, coordinates, positions) can leak out.
import type postgres from 'postgres';
import type { Sql } from '../db/connect.ts';
import { familyName, type ResponderKind } from '../../shared/domain.ts';
import { AppError } from '../../shared/errors.ts';
import {
  RESIDENT_MAX_PHOTOS, RESIDENT_PHOTO_WINDOW_MIN, STAGE_OF_STATUS,
  type PublicHandler, type PublicStep, type PublicTicketView,
} from '../../shared/residents.ts';
import type { TicketStatus } from '../../shared/tickets.ts';

type Q = Sql | postgres.TransactionSql<Record<string, never>>;

interface Row {
  category: string; name_zh: string; name_en: string; description: string; community_name: string; grid_name: string;
  community_phone: string | null; status: TicketStatus; channel: string; reported_at: Date; responded_at: Date | null;
  resolved_at: Date | null; response_target_s: number; rating: number | null; resident_rated_at: Date | null;
  assignee_name: string | null; assignee_kind: ResponderKind | null; resident_photos: number; version: number;
}
interface EventRow { at: Date; action: string; data: Record<string, unknown>; responder_name: string | null; responder_kind: ResponderKind | null }

const handler = (name: string | null, kind: ResponderKind | null): PublicHandler | null => {
  const family = familyName(name);
  return family && kind ? { family, kind } : null;
};

/** Turns the history into the steps a resident reads; offers passing between responders show as one "assigned". */
export function publicSteps(events: EventRow[], departments: Map<string, { zh: string; en: string }>): PublicStep[] {
  const steps: PublicStep[] = [];
  let department: string | null = null;
  const last = () => steps[steps.length - 1]?.kind;
  for (const e of events) {
    const at = e.at.toISOString();
    const who = handler(e.responder_name, e.responder_kind);
    switch (e.action) {
      case 'report': steps.push({ kind: 'received', at }); break;
      case 'dispatch': if (last() !== 'dispatched') steps.push({ kind: 'dispatched', at }); break;
      case 'accept': steps.push({ kind: 'accepted', at, who }); break;
      case 'respond': steps.push({ kind: 'on_site', at, who }); break;
      case 'escalate':
        department = typeof e.data.department === 'string' ? e.data.department : null;
        steps.push({ kind: 'escalated', at, department: department ? departments.get(department) ?? null : null });
        break;
      case 'department_accept': steps.push({ kind: 'department_accepted', at, department: department ? departments.get(department) ?? null : null }); break;
      case 'resolve': steps.push({ kind: 'resolved', at }); break;
      case 'close': steps.push({ kind: 'closed', at }); break;
      case 'reject': steps.push({ kind: e.data.duplicateOf ? 'duplicate' : 'rejected', at }); break;
      case 'reopen': steps.push({ kind: 'reopened', at }); break;
      case 'rate': steps.push({ kind: 'rated', at, rating: typeof e.data.rating === 'number' ? e.data.rating : null }); break;
      default: break; // declines, expiries, alerts, photos: the office's business
    }
  }
  return steps;
}

export async function departmentNames(q: Q): Promise<Map<string, { zh: string; en: string }>> {
  const rows = await q<{ code: string; name_zh: string; name_en: string }[]>`SELECT code, name_zh, name_en FROM departments`;
  return new Map(rows.map((r) => [r.code, { zh: r.name_zh, en: r.name_en }]));
}

export async function ticketEventsForPublic(q: Q, ticketIds: string[]): Promise<Map<string, EventRow[]>> {
  const rows = await q<(EventRow & { ticket_id: string })[]>`
    SELECT e.ticket_id, e.at, e.action, e.data, r.name AS responder_name, r.kind AS responder_kind
    FROM ticket_events e LEFT JOIN responders r ON r.id = e.actor_responder_id
    WHERE e.ticket_id = ANY(${ticketIds}::bigint[]) ORDER BY e.ticket_id, e.id`;
  const out = new Map<string, EventRow[]>();
  for (const r of rows) {
    const list = out.get(r.ticket_id) ?? [];
    list.push(r);
    out.set(r.ticket_id, list);
  }
  return out;
}

/** May the resident rate now? Once the ticket is resolved or closed, once per resolution (again after a reopen). */
export function mayRate(t: { status: TicketStatus; resolved_at: Date | null; resident_rated_at: Date | null }): boolean {
  if (t.status !== 'resolved' && t.status !== 'closed') return false;
  return !t.resident_rated_at || (!!t.resolved_at && t.resident_rated_at < t.resolved_at);
}

export function mayAddPhotos(t: { status: TicketStatus; channel: string; reported_at: Date; resident_photos: number }, now = Date.now()): boolean {
  return t.channel === 'resident_page' && t.resident_photos < RESIDENT_MAX_PHOTOS && !['closed', 'rejected'].includes(t.status)
    && now - t.reported_at.getTime() < RESIDENT_PHOTO_WINDOW_MIN * 60_000;
}

export async function publicTicketView(q: Q, ticketId: string): Promise<PublicTicketView> {
  const [t] = await q<Row[]>`
    SELECT t.category, c.name_zh, c.name_en, t.description, cm.name AS community_name, g.name AS grid_name, cm.phone AS community_phone,
      t.status, t.channel, t.version, t.reported_at, t.responded_at, t.resolved_at, t.response_target_s, t.rating, t.resident_rated_at,
      a.name AS assignee_name, a.kind AS assignee_kind,
      (SELECT count(*)::int FROM ticket_photos p WHERE p.ticket_id = t.id AND p.by_resident) AS resident_photos
    FROM tickets t JOIN categories c ON c.code = t.category JOIN grids g ON g.id = t.grid_id JOIN communities cm ON cm.id = g.community_id
    LEFT JOIN responders a ON a.id = t.assignee_id
    WHERE t.id = ${ticketId}`;
  if (!t) throw new AppError('not_found', '没有这个查询码 · no such tracking code');
  const [events, departments] = await Promise.all([ticketEventsForPublic(q, [ticketId]), departmentNames(q)]);
  const deadline = t.reported_at.getTime() + t.response_target_s * 1000;
  return {
    category: t.category,
    categoryName: { zh: t.name_zh, en: t.name_en },
    description: t.description,
    communityName: t.community_name,
    gridName: t.grid_name,
    communityPhone: t.community_phone,
    status: t.status,
    stage: STAGE_OF_STATUS[t.status],
    reportedAt: t.reported_at.toISOString(),
    responseTargetMin: t.response_target_s / 60,
    respondedAt: t.responded_at?.toISOString() ?? null,
    responseMet: t.responded_at ? t.responded_at.getTime() <= deadline : null,
    resolvedAt: t.resolved_at?.toISOString() ?? null,
    handler: handler(t.assignee_name, t.assignee_kind),
    steps: publicSteps(events.get(ticketId) ?? [], departments),
    photoCount: t.resident_photos,
    mayAddPhotos: mayAddPhotos(t),
    mayRate: mayRate(t),
    rating: t.rating,
    version: t.version,
    serverTime: new Date().toISOString(),
  };
}
