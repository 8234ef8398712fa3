// The 10-minute commitment's arithmetic at its boundaries (shared/sla.ts is what server, wall and tests all use).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { formatCountdown, nextSlaChangeMs, responseClock, slaStateAt, WARNING_FRACTION, type SlaTicket } from '../shared/sla.ts';
import type { TicketStatus } from '../shared/tickets.ts';

const T0 = Date.parse('2026-11-23T08:00:00.000Z');
const TARGET = 600_000;
const ticket = (over: Partial<{ respondedAt: string | null; status: TicketStatus }> = {}): SlaTicket => ({
  status: 'reported', reportedAt: new Date(T0).toISOString(), respondedAt: null, responseTargetS: 600, ...over,
});

test('ok until 80% of the target, warning from exactly 80%', () => {
  assert.is(WARNING_FRACTION, 0.8);
  assert.is(slaStateAt(T0, TARGET, T0), 'ok');
  assert.is(slaStateAt(T0, TARGET, T0 + 480_000 - 1), 'ok');
  assert.is(slaStateAt(T0, TARGET, T0 + 480_000), 'warning');
});

test('at the deadline itself still warning; one millisecond later breached', () => {
  assert.is(slaStateAt(T0, TARGET, T0 + TARGET), 'warning');
  assert.is(slaStateAt(T0, TARGET, T0 + TARGET + 1), 'breached');
});

test('a response exactly at the deadline is on time, a millisecond later is missed', () => {
  const met = responseClock(ticket({ respondedAt: new Date(T0 + TARGET).toISOString() }), T0 + 2 * TARGET);
  assert.is(met.state, 'met');
  const missed = responseClock(ticket({ respondedAt: new Date(T0 + TARGET + 1).toISOString() }), T0 + 2 * TARGET);
  assert.is(missed.state, 'missed');
  assert.is(!missed.running && missed.responseMs, TARGET + 1);
});

test('a running clock counts down, then up past the deadline', () => {
  const c = responseClock(ticket(), T0 + 407_000);
  assert.ok(c.running);
  assert.is(c.running && c.remainingMs, 193_000);
  assert.is(formatCountdown(193_000), '还剩 3:13');
  assert.is(formatCountdown(-125_000), '超时 2:05');
  assert.is(formatCountdown(-125_000, 'en'), 'late 2:05');
  assert.is(formatCountdown(3_725_000), '还剩 1:02:05');
});

test('rejected tickets are excluded from the clock', () => {
  assert.is(responseClock(ticket({ status: 'rejected' }), T0 + 2 * TARGET).state, 'excluded');
});

test('next change by time alone: warning instant, then just past the deadline, then none', () => {
  assert.is(nextSlaChangeMs(ticket(), T0), T0 + 480_000);
  assert.is(nextSlaChangeMs(ticket(), T0 + 480_000), T0 + TARGET + 1);
  assert.is(nextSlaChangeMs(ticket(), T0 + TARGET + 1), null);
  assert.is(nextSlaChangeMs(ticket({ respondedAt: new Date(T0).toISOString() }), T0), null);
});

test.run();
