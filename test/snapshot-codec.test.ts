// The snapshot's wire form: what the server packs, every screen unpacks to exactly the snapshot the server built.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { ResponderView, TicketView } from '../shared/api.ts';
import type { Snapshot } from '../shared/events.ts';
import { decodeSnapshot, encodeSnapshot, isoTime } from '../shared/snapshot-codec.ts';

const T0 = Date.parse('2026-11-23T08:00:00.123Z');
const iso = (ms: number) => new Date(ms).toISOString();

function ticket(i: number, over: Partial<TicketView> = {}): TicketView {
  return {
    id: String(i + 1), streetOfficeId: '1', communityId: String(1 + (i % 7)), communityName: `社区${1 + (i % 7)}`, gridId: String(1 + (i % 40)),
    gridName: `${1 + (i % 6)}号网格`, category: i % 3 ? 'elevator' : 'clutter', channel: 'hotline', urgency: i % 9 ? 'normal' : 'urgent',
    status: (['reported', 'accepted', 'responded', 'escalated'] as const)[i % 4], description: `描述 ${i}`, lat: 39.08206144022262 + i * 1e-5,
    lng: 117.09228187764613 - i * 1e-5, address: i % 5 === 0 ? `幸福路${i}号` : null, reporterName: '居*', reporterPhoneMasked: '138****0000',
    reportedAt: iso(T0 - i * 61_000), dispatchedAt: i % 4 ? iso(T0 - i * 60_000) : null, acceptedAt: i % 4 ? iso(T0 - i * 59_000) : null,
    respondedAt: i % 4 >= 2 ? iso(T0 - i * 30_000) : null, resolvedAt: null, closedAt: null, escalatedAt: i % 4 === 3 ? iso(T0 - 1000) : null,
    rejectedAt: null, reopenedAt: null, responseTargetS: i % 3 ? 300 : 600, resolutionTargetS: 86400, assigneeId: i % 4 ? String(i) : null,
    assigneeName: i % 4 ? '王伟' : null, offer: i === 7 ? { id: '70', responderId: '5', responderName: '李娜', offeredAt: iso(T0), expiresAt: iso(T0 + 120_000) } : null,
    department: i % 4 === 3 ? 'housing' : null, escalationDueAt: i % 4 === 3 ? iso(T0 + 3_600_000) : null, departmentAcceptedAt: null,
    duplicateOf: null, rating: i === 2 ? 5 : null, reopenCount: i === 3 ? 1 : 0, photoCount: i % 2, version: 1 + (i % 3), ...over,
  };
}

function responder(i: number, over: Partial<ResponderView> = {}): ResponderView {
  const placed = i % 10 !== 0;
  return {
    id: String(i + 1), name: ['罗梅', '苏勇', '郑丽燕'][i % 3], kind: i % 2 ? 'fulltime' : 'volunteer', skills: i % 2 ? ['general', 'mediation'] : ['repair_ebike'],
    team: i === 4 ? '帮帮团' : null, homeGridIds: [String(1 + (i % 40))], dutyStatus: i % 5 ? 'available' : 'en_route',
    lat: placed ? 39.0854086777496 + i * 1e-4 : null, lng: placed ? 117.0006801075106 : null, positionAt: placed ? iso(T0 - i * 997) : null,
    activeTickets: i % 5 ? 0 : 1, ...over,
  };
}

function snapshot(tickets: TicketView[], responders: ResponderView[]): Snapshot {
  return {
    seq: '42', serverTime: iso(T0), scope: { kind: 'street_office', streetOfficeId: '1' }, me: null,
    streetOffice: { id: '1', name: '西环中街街道', nameEn: 'Xihuan Zhongjie' },
    map: { tileUrl: null, tileCrs: 'wgs84', tileAttribution: null, center: [39.08, 117.0], zoom: 14 },
    communities: [{ id: '1', name: '金鼎社区', nameEn: 'Jinding' }], grids: [], categories: [],
    tickets, responders, offers: [], ticker: [], kpis: { since: iso(T0), today: {} as never, perCommunity: [] },
  };
}

const roundTrip = (s: Snapshot) => decodeSnapshot(JSON.parse(JSON.stringify(encodeSnapshot(s))));

test('a city-sized snapshot round-trips exactly through JSON', () => {
  const s = snapshot(Array.from({ length: 500 }, (_, i) => ticket(i)), Array.from({ length: 2000 }, (_, i) => responder(i)));
  assert.equal(roundTrip(s), s);
});

test('small and edge-case tables: empty, one row, all-null and all-equal columns, values from before the server time', () => {
  assert.equal(roundTrip(snapshot([], [])), snapshot([], []));
  const one = snapshot([ticket(7)], [responder(3)]);
  assert.equal(roundTrip(one), one);
  const odd = snapshot([ticket(0, { reportedAt: iso(T0 + 5000) }), ticket(1, { reportedAt: iso(0) })], [responder(0), responder(10)]);
  assert.equal(roundTrip(odd), odd);
});

test('times are written exactly as toISOString writes them', () => {
  const times = [0, 1, 999, 86_399_999, 86_400_000, -1, -86_400_001, T0, Date.parse('2000-02-29T23:59:59.999Z'), Date.parse('2100-01-01T00:00:00Z'), 253_402_300_799_999];
  for (let i = 0; i < 2000; i++) times.push(Math.floor(Math.random() * 4e12) - 1e12);
  for (const ms of times) assert.is(isoTime(ms), new Date(ms).toISOString(), String(ms));
});

test('rows never share a dictionary array', () => {
  const got = roundTrip(snapshot([], [responder(1), responder(3)]));
  assert.equal(got.responders[0].skills, got.responders[1].skills);
  assert.is.not(got.responders[0].skills, got.responders[1].skills);
});

test('the packed lists are a fraction of the plain ones, and everything else travels unchanged', () => {
  const s = snapshot(Array.from({ length: 3000 }, (_, i) => ticket(i)), Array.from({ length: 10_000 }, (_, i) => responder(i)));
  const packed = encodeSnapshot(s);
  const size = (x: unknown) => JSON.stringify(x).length;
  assert.ok(size(packed.tickets) < size(s.tickets) / 3, `tickets ${size(packed.tickets)} vs ${size(s.tickets)}`);
  assert.ok(size(packed.responders) < size(s.responders) / 2, `responders ${size(packed.responders)} vs ${size(s.responders)}`);
  assert.equal({ ...packed, tickets: null, responders: null }, { ...s, tickets: null, responders: null });
});

test.run();
