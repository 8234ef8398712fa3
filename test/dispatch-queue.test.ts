// The console queue's order and filters as pure functions: breached first, least time left next, finished work last.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import type { TicketView } from '../shared/api.ts';
import { EMPTY_FILTER, matches, queueRows } from '../client/dispatch/queue.ts';
import { sampleTicket } from './helpers/views.ts';

const Q = suite('dispatch queue');
const NOW = Date.parse('2026-03-02T08:00:00Z');
const ago = (min: number) => new Date(NOW - min * 60_000).toISOString();

const ticket = (id: string, over: Partial<TicketView> = {}): TicketView => sampleTicket(id, { reportedAt: ago(1), ...over });

Q('breached first (most overdue on top), then least time left; escalations, on-site work and verification after', () => {
  const rows = queueRows([
    ticket('1', { reportedAt: ago(2) }),
    ticket('2', { reportedAt: ago(15) }),
    ticket('3', { reportedAt: ago(12) }),
    ticket('4', { reportedAt: ago(8), status: 'accepted' }),
    ticket('5', { status: 'responded', respondedAt: ago(0.5), reportedAt: ago(30) }),
    ticket('6', { status: 'resolved', respondedAt: ago(40), resolvedAt: ago(5), reportedAt: ago(60) }),
    ticket('7', { status: 'escalated', respondedAt: ago(50), escalationDueAt: new Date(NOW + 3600_000).toISOString(), reportedAt: ago(90) }),
    ticket('8', { reportedAt: ago(4), responseTargetS: 300, urgency: 'urgent' }),
  ], EMPTY_FILTER, NOW);
  assert.equal(rows.map((r) => r.ticket.id), ['2', '3', '8', '4', '1', '7', '5', '6']);
  assert.equal(rows.slice(0, 3).map((r) => r.look), ['breached', 'breached', 'warning']);
  assert.is(rows[5].clock, 'escalation');
});

Q('filters: community, grid, category, state (with "late" computed from the clock)', () => {
  const t = ticket('1', { reportedAt: ago(11) });
  assert.ok(matches(t, { ...EMPTY_FILTER, state: 'overdue' }, NOW));
  assert.not.ok(matches(ticket('2'), { ...EMPTY_FILTER, state: 'overdue' }, NOW));
  assert.ok(matches(t, { ...EMPTY_FILTER, state: 'awaiting' }, NOW));
  assert.not.ok(matches(t, { ...EMPTY_FILTER, state: 'offered' }, NOW));
  assert.ok(matches(ticket('3', { status: 'reopened' }), { ...EMPTY_FILTER, state: 'awaiting' }, NOW));
  assert.not.ok(matches(t, { ...EMPTY_FILTER, communityId: 'c2' }, NOW));
  assert.not.ok(matches(t, { ...EMPTY_FILTER, gridId: 'g2' }, NOW));
  assert.not.ok(matches(t, { ...EMPTY_FILTER, category: 'parking' }, NOW));
  assert.ok(matches(t, { communityId: 'c1', gridId: 'g1', category: 'clutter', state: 'live' }, NOW));
});

Q('an escalated ticket nobody responded to is overdue on the response clock, and the queue shows the department limit', () => {
  const t = ticket('9', { status: 'escalated', reportedAt: ago(30), escalatedAt: ago(25), escalationDueAt: new Date(NOW + 3600_000).toISOString() });
  assert.ok(matches(t, { ...EMPTY_FILTER, state: 'overdue' }, NOW), 'the promise is to the resident: escalation does not stop the clock');
  const [row] = queueRows([t], EMPTY_FILTER, NOW);
  assert.is(row.look, 'breached');
  assert.is(row.clock, 'escalation');
  assert.is(row.remainingMs, 3600_000);
  const answered = ticket('10', { status: 'escalated', respondedAt: ago(28), reportedAt: ago(30), escalationDueAt: new Date(NOW + 3600_000).toISOString() });
  assert.not.ok(matches(answered, { ...EMPTY_FILTER, state: 'overdue' }, NOW));
});

Q.run();
