// The wall's pure live logic: snapshot/delta/resync bookkeeping, positions, ticker, clock offset, derived views.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { ResponderView, TicketView, TickerEvent } from '../shared/api.ts';
import type { Change, DeltaBatch, Snapshot } from '../shared/events.ts';
import { abandonResync, applyPositions, applySnapshot, mergeTicker, newSyncState, receiveDelta, reconnected, replayHeld, type LiveTables } from '../client/live/reducer.ts';
import { bestOffset, pingSample, snapshotSample } from '../client/live/clock.ts';
import { displayCrs, displayLatLng } from '../client/map/project.ts';
import { closestToBreach, communityRows, liveCounts, openCountByGrid, responderCounts, runningClock, ticketLook } from '../client/live/derive.ts';
import { responseClock } from '../shared/sla.ts';
import { sampleTicket } from './helpers/views.ts';

const T0 = Date.parse('2024-05-06T06:00:00Z');
const iso = (ms: number) => new Date(ms).toISOString();

const ticket = (id: string, over: Partial<TicketView> = {}): TicketView =>
  sampleTicket(id, { gridName: '金鼎1网格', category: 'elevator', description: '电梯困人', reportedAt: iso(T0), ...over });

function responder(id: string, over: Partial<ResponderView> = {}): ResponderView {
  return { id, name: '王伟', kind: 'fulltime', skills: ['general'], team: null, homeGridIds: ['g1'], dutyStatus: 'available', lat: 38.3, lng: 116.85, positionAt: iso(T0), activeTickets: 0, ...over };
}

function snapshot(seq: string, over: Partial<Snapshot> = {}): Snapshot {
  return {
    seq, serverTime: iso(T0), scope: { kind: 'street_office', streetOfficeId: '1' }, me: null, streetOffice: { id: '1', name: '西环中街街道', nameEn: 'Xihuan Zhongjie' },
    map: { tileUrl: null, tileCrs: 'wgs84', tileAttribution: null, center: [38.3, 116.85], zoom: 14 },
    communities: [{ id: 'c1', name: '金鼎社区', nameEn: 'Jinding' }, { id: 'c2', name: '名著社区', nameEn: 'Mingzhu' }], grids: [], categories: [],
    tickets: [ticket('1')], responders: [responder('r1')], offers: [], ticker: [],
    kpis: { since: iso(T0), today: {} as never, perCommunity: [] }, ...over,
  };
}

function tables(): LiveTables {
  return { tickets: new Map(), responders: new Map(), offers: new Map(), sla: new Map(), positions: new Map() };
}

const tc = (seq: string, t: TicketView, event: TickerEvent | null = null): Change => ({ seq, kind: 'ticket', ticket: t, event });
const batch = (prev: string, seq: string, changes: Change[]): DeltaBatch => ({ prev, seq, changes });

test('deltas before the first snapshot wait for it: older changes are in it, newer ones apply on top', () => {
  const tb = tables(), sync = newSyncState();
  assert.equal(receiveDelta(tb, sync, batch('0', '5', [tc('5', ticket('9'))])).kind, 'held');
  assert.equal(receiveDelta(tb, sync, batch('5', '12', [tc('11', ticket('8')), tc('12', ticket('7'))])).kind, 'held');
  assert.equal(tb.tickets.size, 0);
  applySnapshot(tb, sync, snapshot('11', { tickets: [ticket('1'), ticket('8')] }));
  assert.equal(replayHeld(tb, sync).map((c) => c.seq), ['12']);
  assert.equal([...tb.tickets.keys()].sort(), ['1', '7', '8']);
  assert.is(sync.cursor, 12n);
  assert.not.ok(sync.resyncing, 'no resync needed');
});

test('a snapshot replaces everything and sets the cursor', () => {
  const tb = tables(), sync = newSyncState();
  tb.tickets.set('old', ticket('old'));
  applySnapshot(tb, sync, snapshot('10', { tickets: [ticket('1'), ticket('2', { status: 'closed' })] }));
  assert.equal([...tb.tickets.keys()], ['1']);
  assert.is(sync.cursor, 10n);
  assert.ok(tb.positions.has('r1'), 'responder position seeded from the snapshot');
});

test('changes apply in order; ones at or before the cursor are skipped', () => {
  const tb = tables(), sync = newSyncState();
  applySnapshot(tb, sync, snapshot('10'));
  const out = receiveDelta(tb, sync, batch('8', '12', [
    tc('9', ticket('1', { status: 'closed' })),
    tc('11', ticket('2')),
    tc('12', ticket('2', { status: 'dispatched', version: 2 })),
  ]));
  assert.equal(out.kind, 'applied');
  assert.ok(tb.tickets.has('1'), 'seq 9 was already in the snapshot: not re-applied');
  assert.is(tb.tickets.get('2')!.status, 'dispatched');
  assert.is(sync.cursor, 12n);
});

test('seq compares as bigint, not as string', () => {
  const tb = tables(), sync = newSyncState();
  applySnapshot(tb, sync, snapshot('9'));
  const out = receiveDelta(tb, sync, batch('9', '10', [tc('10', ticket('3'))]));
  assert.equal(out.kind, 'applied');
  assert.ok(tb.tickets.has('3'));
  assert.is(sync.cursor, 10n);
});

test('closed and rejected tickets leave; off-duty responders leave with their position', () => {
  const tb = tables(), sync = newSyncState();
  applySnapshot(tb, sync, snapshot('1', { tickets: [ticket('1'), ticket('2')] }));
  receiveDelta(tb, sync, batch('1', '4', [
    tc('2', ticket('1', { status: 'closed' })),
    tc('3', ticket('2', { status: 'rejected' })),
    { seq: '4', kind: 'responder', responder: responder('r1', { dutyStatus: 'off_duty' }) },
  ]));
  assert.is(tb.tickets.size, 0);
  assert.is(tb.responders.size, 0);
  assert.is(tb.positions.size, 0);
});

test('offers upsert; sla changes are recorded for known tickets', () => {
  const tb = tables(), sync = newSyncState();
  applySnapshot(tb, sync, snapshot('1'));
  const offer = { id: 'o1', ticketId: '1', responderId: 'r1', responderName: '王伟', status: 'offered' as const, offeredAt: iso(T0), expiresAt: iso(T0 + 120e3), answeredAt: null };
  receiveDelta(tb, sync, batch('1', '3', [{ seq: '2', kind: 'offer', offer }, { seq: '3', kind: 'offer', offer: { ...offer, status: 'accepted' } }]));
  assert.is(tb.offers.get('o1')!.status, 'accepted');
  receiveDelta(tb, sync, batch('3', '5', [{ seq: '4', kind: 'sla', ticketId: '1', state: 'warning', at: iso(T0) }, { seq: '5', kind: 'sla', ticketId: 'nope', state: 'breached', at: iso(T0) }]));
  assert.is(tb.sla.get('1'), 'warning');
  assert.not.ok(tb.sla.has('nope'));
});

test('a gap holds the batch until the resync snapshot, then replays what is newer', () => {
  const tb = tables(), sync = newSyncState();
  applySnapshot(tb, sync, snapshot('10'));
  assert.equal(receiveDelta(tb, sync, batch('12', '13', [tc('13', ticket('13'))])).kind, 'gap');
  assert.ok(sync.resyncing);
  assert.equal(receiveDelta(tb, sync, batch('13', '14', [tc('14', ticket('14'))])).kind, 'held');
  assert.not.ok(tb.tickets.has('13'), 'nothing applied on top of a hole');
  // The resync snapshot already contains seq 13, not 14.
  applySnapshot(tb, sync, snapshot('13', { tickets: [ticket('1'), ticket('13')] }));
  const replayed = replayHeld(tb, sync);
  assert.equal(replayed.map((c) => c.seq), ['14']);
  assert.equal([...tb.tickets.keys()].sort(), ['1', '13', '14']);
  assert.is(sync.cursor, 14n);
  assert.not.ok(sync.resyncing);
});

test('a hole that remains after the resync asks again', () => {
  const tb = tables(), sync = newSyncState();
  applySnapshot(tb, sync, snapshot('10'));
  receiveDelta(tb, sync, batch('20', '21', [tc('21', ticket('21'))]));
  applySnapshot(tb, sync, snapshot('15'));
  replayHeld(tb, sync);
  assert.ok(sync.resyncing, 'still behind: another resync is needed');
  assert.is(sync.held.length, 1);
});

test('after a reconnect, a change that beats the older snapshot to the client is not wiped by it', () => {
  // A phone back from a tunnel: its room is new on the server, so the first batch carries the instance's start cursor
  // as `prev` (no gap to see), and the snapshot read began just before the offer was committed.
  const tb = tables(), sync = newSyncState();
  applySnapshot(tb, sync, snapshot('10'));
  reconnected(sync);
  const offer = { id: 'o7', ticketId: '1', responderId: 'r1', responderName: '王伟', status: 'offered' as const, offeredAt: iso(T0), expiresAt: iso(T0 + 120e3), answeredAt: null };
  assert.equal(receiveDelta(tb, sync, batch('0', '12', [{ seq: '12', kind: 'offer', offer }])).kind, 'held');
  applySnapshot(tb, sync, snapshot('11'));
  assert.equal(replayHeld(tb, sync).map((c) => c.seq), ['12']);
  assert.is(tb.offers.get('o7')?.status, 'offered', 'the offer is still on the phone');
  assert.is(sync.cursor, 12n);
  // A resync that timed out meanwhile does not throw away what waits for the snapshot.
  reconnected(sync);
  receiveDelta(tb, sync, batch('0', '14', [tc('14', ticket('14'))]));
  abandonResync(sync);
  applySnapshot(tb, sync, snapshot('13'));
  replayHeld(tb, sync);
  assert.ok(tb.tickets.has('14'));
  assert.equal(receiveDelta(tb, sync, batch('14', '15', [tc('15', ticket('15'))])).kind, 'applied', 'live again once the snapshot is in');
});

test('positions: latest timestamp wins, unknown responders are ignored', () => {
  const tb = tables(), sync = newSyncState();
  applySnapshot(tb, sync, snapshot('1', { responders: [responder('r1'), responder('r2', { lat: null, lng: null, positionAt: null })] }));
  const moved = applyPositions(tb, { positions: [['r1', 38.31, 116.86, T0 + 5000], ['r2', 38.32, 116.87, T0 + 5000], ['r9', 1, 1, T0]] });
  assert.equal(moved, ['r1', 'r2']);
  assert.equal(applyPositions(tb, { positions: [['r1', 0, 0, T0 + 1000]] }), [], 'an older point does not move the marker back');
  assert.equal(tb.positions.get('r1'), ['r1', 38.31, 116.86, T0 + 5000]);
  // A responder change with an older position does not override the streamed one.
  receiveDelta(tb, sync, batch('1', '2', [{ seq: '2', kind: 'responder', responder: responder('r1', { dutyStatus: 'en_route', positionAt: iso(T0) }) }]));
  assert.is(tb.positions.get('r1')![3], T0 + 5000);
});

test('ticker: newest first, deduplicated, capped', () => {
  const ev = (id: string, at: number) => ({ ticketId: id, at: iso(at), action: 'accept' as const, actorLabel: '王伟', category: 'elevator', gridName: '1网格', communityName: '金鼎社区' });
  const merged = mergeTicker([ev('1', T0), ev('2', T0 + 1000)], [ev('3', T0 + 2000), ev('1', T0)], 3);
  assert.equal(merged.map((e) => e.ticketId), ['3', '2', '1']);
  assert.is(mergeTicker(merged, [ev('4', T0 + 3000)], 3).length, 3);
});

test('clock: pings beat the snapshot stamp; the smallest round trip wins', () => {
  const snap = snapshotSample(iso(T0 + 5000), T0);
  const slow = pingSample(iso(T0 + 5400), T0, T0 + 400);
  const fast = pingSample(iso(T0 + 5020), T0, T0 + 40);
  assert.is(bestOffset([snap], T0), 5000);
  assert.is(bestOffset([snap, slow, fast], T0 + 50), 5000);
  assert.is(fast.offsetMs, 5000);
  assert.is(bestOffset([], T0), null);
});

test('derived: counts, looks and closest-to-breach order from server time', () => {
  const now = T0 + 9 * 60_000; // 9 min after T0: a 10-min ticket from T0 is amber, one from T0-11min is red
  const list = [
    ticket('ok', { reportedAt: iso(now - 60_000) }),
    ticket('warn', { reportedAt: iso(T0) }),
    ticket('late', { reportedAt: iso(T0 - 11 * 60_000), gridId: 'g2', communityId: 'c2' }),
    ticket('done', { status: 'responded', respondedAt: iso(T0 + 60_000) }),
    ticket('resolved', { status: 'resolved', respondedAt: iso(T0), resolvedAt: iso(T0) }),
  ];
  assert.is(ticketLook(list[1], now), 'warning');
  assert.is(ticketLook(list[3], now), 'progress');
  assert.is(ticketLook(list[4], now), 'resolved');
  assert.equal(liveCounts(list, now), { open: 4, awaiting: 3, breached: 1, warning: 1 });
  assert.equal(closestToBreach(list, now).map((r) => [r.ticket.id, r.state]), [['late', 'breached'], ['warn', 'warning'], ['ok', 'ok']]);
  assert.equal([...openCountByGrid(list)], [['g1', 3], ['g2', 1]]);
  const rows = communityRows([{ id: 'c1', name: '金鼎社区', nameEn: 'Jinding' }, { id: 'c2', name: '名著社区', nameEn: 'Mingzhu' }], list, null, now);
  assert.equal(rows.map((r) => [r.community.id, r.open, r.breached]), [['c2', 1, 1], ['c1', 3, 0]]);
  assert.equal(responderCounts([responder('a'), responder('b', { dutyStatus: 'en_route' }), responder('c', { dutyStatus: 'off_duty' })]), { onDuty: 2, available: 1, busy: 1 });
});

test('the cached wall clock agrees with shared/sla.ts at every boundary', () => {
  const t = ticket('1');
  for (const s of [0, 479, 480, 481, 599, 600, 601, 900]) {
    const now = T0 + s * 1000;
    const shared = responseClock(t, now);
    const mine = runningClock(t, now)!;
    assert.ok(shared.running);
    if (shared.running) assert.equal([mine.state, mine.remainingMs], [shared.state, shared.remainingMs], `at ${s} s`);
  }
  assert.is(runningClock(ticket('2', { status: 'responded', respondedAt: iso(T0) }), T0), null);
});

test('the wall counts an escalated ticket nobody responded to as awaiting, and red once past its target', () => {
  const now = T0 + 11 * 60_000;
  const esc = ticket('e', { status: 'escalated', escalatedAt: iso(T0 + 60_000) });
  assert.is(ticketLook(esc, now), 'breached');
  assert.equal(liveCounts([esc], now), { open: 1, awaiting: 1, breached: 1, warning: 0 });
  assert.equal(closestToBreach([esc], now).map((r) => r.ticket.id), ['e']);
  assert.is(runningClock(ticket('x', { status: 'rejected' }), now), null, 'rejected tickets are excluded');
});

test('map: points shift to GCJ-02 only under GCJ-02 tiles; no tiles, no shift', () => {
  assert.is(displayCrs({ tileUrl: null, tileCrs: 'gcj02' }), 'wgs84');
  assert.is(displayCrs({ tileUrl: 'https://t/{z}/{x}/{y}.png', tileCrs: 'gcj02' }), 'gcj02');
  assert.equal(displayLatLng('wgs84', 38.3, 116.85), [38.3, 116.85]);
  const [lat, lng] = displayLatLng('gcj02', 38.3, 116.85);
  // The GCJ-02 offset around Cangzhou is a few hundred metres, mostly east.
  assert.ok(lng - 116.85 > 0.004 && lng - 116.85 < 0.008, `lng shifted by ${lng - 116.85}`);
  assert.ok(Math.abs(lat - 38.3) < 0.003);
});

test.run();
