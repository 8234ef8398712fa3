// The snapshot's wire form: what the server packs, every screen unpacks to exactly the snapshot the server built.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { GridView, ResponderView, TicketView } from '../shared/api.ts';
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

function grid(i: number, over: Partial<GridView> = {}): GridView {
  const lng = 117 + (i % 40) * 0.0042, lat = 39.08775 - Math.floor(i / 40) * 0.0045 + Math.sin(i) * 1e-4;
  const outer = [[lng, lat], [lng + 0.0042, lat + 1.3e-5], [lng + 0.0041234120861, lat - 0.00478838204155], [lng, lat - 0.0045], [lng, lat]];
  const hole = [[lng + 0.001, lat - 0.001], [lng + 0.002, lat - 0.001], [lng + 0.002, lat - 0.002], [lng + 0.001, lat - 0.001]];
  return {
    id: String(i + 1), code: `city-${String(i + 1).padStart(5, '0')}`, name: `${1 + (i % 12)}号网格`, communityId: String(1 + Math.floor(i / 12)),
    communityName: `city第${1 + Math.floor(i / 12)}社区`, polygon: i % 7 === 0 ? [outer, hole] : [outer], labelLat: lat - 0.00226, labelLng: lng + 0.00208085302152,
    leaderName: i % 3 ? null : '王丽', ...over,
  };
}

function snapshot(tickets: TicketView[], responders: ResponderView[], grids: GridView[] = []): Snapshot {
  return {
    seq: '42', serverTime: iso(T0), scope: { kind: 'street_office', streetOfficeId: '1' }, me: null,
    streetOffice: { id: '1', name: '西环中街街道', nameEn: 'Xihuan Zhongjie' },
    map: { tileUrl: null, tileCrs: 'wgs84', tileAttribution: null, center: [39.08, 117.0], zoom: 14 },
    communities: [{ id: '1', name: '金鼎社区', nameEn: 'Jinding' }], grids, categories: [],
    tickets, responders, offers: [], ticker: [], kpis: { since: iso(T0), today: {} as never, perCommunity: [] },
  };
}

const roundTrip = (s: Snapshot) => decodeSnapshot(JSON.parse(JSON.stringify(encodeSnapshot(s))));

/** What a round trip should give: the same snapshot with every coordinate rounded to 1e-7° (about a centimetre). */
function toCentimetres(s: Snapshot): Snapshot {
  const r = (x: number) => Math.round(x * 1e7) / 1e7;
  const rn = (x: number | null) => (x === null ? null : r(x));
  return {
    ...s,
    tickets: s.tickets.map((t) => ({ ...t, lat: r(t.lat), lng: r(t.lng) })),
    responders: s.responders.map((p) => ({ ...p, lat: rn(p.lat), lng: rn(p.lng) })),
    grids: s.grids.map((g) => ({ ...g, labelLat: r(g.labelLat), labelLng: r(g.labelLng), polygon: g.polygon.map((ring) => ring.map(([x, y]) => [r(x), r(y)])) })),
  };
}

test('a city-sized snapshot round-trips through JSON: exactly, coordinates to 1e-7°', () => {
  const s = snapshot(Array.from({ length: 500 }, (_, i) => ticket(i)), Array.from({ length: 2000 }, (_, i) => responder(i)), Array.from({ length: 300 }, (_, i) => grid(i)));
  const got = roundTrip(s);
  assert.equal(got, toCentimetres(s));
  got.responders.forEach((p, i) => assert.ok(p.lat === null || Math.abs(p.lat - s.responders[i].lat!) <= 0.5e-7));
  got.grids.forEach((g, i) => g.polygon.forEach((ring, k) => ring.forEach(([x, y], j) => {
    const [x0, y0] = s.grids[i].polygon[k][j];
    assert.ok(Math.abs(x - x0) <= 0.5e-7 && Math.abs(y - y0) <= 0.5e-7, `grid ${i} ring ${k} vertex ${j}`);
  })));
});

test('ids that are not plain numbers, and rows in any order, still round-trip', () => {
  const odd = snapshot([ticket(3), ticket(1, { id: '007' }), ticket(2)], [responder(5, { id: 'r-9' }), responder(1)], [grid(9), grid(2)]);
  assert.equal(roundTrip(odd), toCentimetres(odd));
});

test('small and edge-case tables: empty, one row, all-null and all-equal columns, values from before the server time', () => {
  assert.equal(roundTrip(snapshot([], [])), snapshot([], []));
  const one = snapshot([ticket(7)], [responder(3)], [grid(0)]);
  assert.equal(roundTrip(one), toCentimetres(one));
  const odd = snapshot([ticket(0, { reportedAt: iso(T0 + 5000) }), ticket(1, { reportedAt: iso(0) })], [responder(0), responder(10)]);
  assert.equal(roundTrip(odd), toCentimetres(odd));
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
  const s = snapshot(Array.from({ length: 3000 }, (_, i) => ticket(i)), Array.from({ length: 10_000 }, (_, i) => responder(i)), Array.from({ length: 1500 }, (_, i) => grid(i)));
  const packed = encodeSnapshot(s);
  const size = (x: unknown) => JSON.stringify(x).length;
  assert.ok(size(packed.tickets) < size(s.tickets) / 3, `tickets ${size(packed.tickets)} vs ${size(s.tickets)}`);
  assert.ok(size(packed.responders) < size(s.responders) / 3, `responders ${size(packed.responders)} vs ${size(s.responders)}`);
  assert.ok(size(packed.grids) < size(s.grids) / 2, `grids ${size(packed.grids)} vs ${size(s.grids)}`);
  assert.equal({ ...packed, tickets: null, responders: null, grids: null }, { ...s, tickets: null, responders: null, grids: null });
});

test.run();
