// Wire-shape fixtures for the pure client tests (queue, store, codec): a full TicketView with sensible defaults.
import type { TicketView } from '../../shared/api.ts';

export function sampleTicket(id: string, over: Partial<TicketView> = {}): TicketView {
  return {
    id, streetOfficeId: '1', communityId: 'c1', communityName: '金鼎社区', gridId: 'g1', gridName: '1号网格', category: 'clutter',
    channel: 'hotline', urgency: 'normal', status: 'reported', description: '', lat: 38.3, lng: 116.85, address: null,
    reporterName: null, reporterPhoneMasked: null, reportedAt: '2026-03-02T08:00:00.000Z', dispatchedAt: null, acceptedAt: null,
    respondedAt: null, resolvedAt: null, closedAt: null, escalatedAt: null, rejectedAt: null, reopenedAt: null, responseTargetS: 600,
    resolutionTargetS: 86400, assigneeId: null, assigneeName: null, offer: null, department: null, escalationDueAt: null,
    departmentAcceptedAt: null, duplicateOf: null, rating: null, reopenCount: 0, photoCount: 0, version: 1, ...over,
  };
}
