// Metric definitions of DOMAIN.md (shared/metrics.ts), checked on hand-made tickets.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { computeKpis, percentile, type MetricTicket } from '../shared/metrics.ts';

const T0 = Date.parse('2026-11-23T08:00:00Z');
const at = (min: number) => new Date(T0 + min * 60_000).toISOString();
const t = (o: Partial<MetricTicket>): MetricTicket => ({
  status: 'closed', reportedAt: at(0), respondedAt: null, resolvedAt: null, closedAt: null, escalatedAt: null,
  responseTargetS: 600, resolutionTargetS: 3600, rating: null, reopenCount: 0, everResolved: false, ...o,
});

test('on-time response rate counts unanswered tickets past their target as late, and excludes rejected ones', () => {
  const now = T0 + 60 * 60_000;
  const k = computeKpis([
    t({ respondedAt: at(5) }),                    // on time
    t({ respondedAt: at(10) }),                   // exactly at the target: on time
    t({ respondedAt: at(12) }),                   // late
    t({ status: 'reported' }),                    // never answered, 60 min old: late
    t({ status: 'reported', reportedAt: at(55) }), // not yet due: not counted
    t({ status: 'rejected' }),                    // excluded
  ], now);
  assert.is(k.reported, 6);
  assert.is(k.excluded, 1);
  assert.is(k.responseDue, 4);
  assert.is(k.respondedOnTime, 2);
  assert.is(k.onTimeResponseRate, 0.5);
});

test('p50/p90 response times by nearest rank', () => {
  assert.is(percentile([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 50), 5);
  assert.is(percentile([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 90), 9);
  assert.is(percentile([], 50), null);
  const k = computeKpis([t({ respondedAt: at(2) }), t({ respondedAt: at(4) }), t({ respondedAt: at(20) })], T0 + 3_600_000);
  assert.is(k.responseP50S, 240);
  assert.is(k.responseP90S, 1200);
});

test('办结率, 按期办结率, 满意率 and rework', () => {
  const now = T0 + 5 * 3_600_000;
  const k = computeKpis([
    t({ status: 'closed', respondedAt: at(3), resolvedAt: at(30), closedAt: at(40), rating: 5, everResolved: true }),
    t({ status: 'closed', respondedAt: at(3), resolvedAt: at(90), closedAt: at(100), rating: 3, everResolved: true }),
    t({ status: 'reopened', respondedAt: at(3), reopenCount: 1, everResolved: true, rating: 4 }),
    t({ status: 'responded', respondedAt: at(3) }),
    t({ status: 'rejected' }),
  ], now);
  assert.is(k.closureRate, 2 / 4);
  // resolved in time: 1; resolution due: 2 resolved + 2 unresolved past their hour.
  assert.is(k.onTimeResolutionRate, 1 / 4);
  assert.is(k.satisfactionRate, 2 / 3);
  assert.is(k.rated, 3);
  assert.is(k.reworkRate, 1 / 3);
});

test('empty periods give nulls, not zeros', () => {
  const k = computeKpis([], T0);
  assert.is(k.onTimeResponseRate, null);
  assert.is(k.closureRate, null);
  assert.is(k.satisfactionRate, null);
});

test.run();
