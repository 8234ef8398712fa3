// Open311 GeoReport v2 against a real server and PostgreSQL: every endpoint in XML (parsed with an XML parser, element
// names and nesting checked against the spec's examples) and JSON, every filter and default of GET requests, every
// error case in the spec's errors element, and a request that reaches a wall socket and is auto-dispatched.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { startTestServer, waitFor, type TestServer } from './helpers/server.ts';
import { gridByCode, responderIn, type GridRef } from './helpers/fixtures.ts';
import { onDutyAt, until } from './helpers/dispatch.ts';
import { child, childText, foreign, inSpecOrder, kids, parseXml, REQUEST_ORDER, SPEC, type El } from './helpers/open311.ts';
import { createKey, revokeKey } from '../server/open311/keys.ts';
import type { DeltaBatch } from '../shared/events.ts';

interface Ctx { s: TestServer; g: GridRef; key: string; so: string; jid: string }
const O = suite<Ctx>('open311');

O.before(async (ctx) => {
  ctx.s = await startTestServer();
  ctx.g = await gridByCode(ctx.s.sql, '01-1');
  const [so] = await ctx.s.sql<{ id: string; jurisdiction_id: string }[]>`SELECT id, jurisdiction_id FROM street_offices ORDER BY id LIMIT 1`;
  ctx.so = so.id;
  ctx.jid = so.jurisdiction_id;
  ctx.key = (await createKey(ctx.s.sql, so.id, 'test-client', null)).key;
});
O.after(async ({ s }) => s.close());

const V2 = '/open311/v2';
async function get(s: TestServer, path: string) {
  const res = await fetch(s.url + V2 + path);
  return { status: res.status, type: res.headers.get('content-type') ?? '', text: await res.text(), headers: res.headers };
}
async function post(s: TestServer, path: string, form: Record<string, string | string[]>, headers: Record<string, string> = {}) {
  const body = new URLSearchParams();
  for (const [k, v] of Object.entries(form)) for (const x of [v].flat()) body.append(k, x);
  const res = await fetch(s.url + V2 + path, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded; charset=utf-8', ...headers }, body });
  return { status: res.status, type: res.headers.get('content-type') ?? '', text: await res.text() };
}
const xmlOf = (r: { type: string; text: string }): El => {
  assert.match(r.type, /^text\/xml; charset=utf-8/);
  assert.match(r.text, /^<\?xml version="1\.0" encoding="utf-8"\?>/);
  return parseXml(r.text);
};
const jsonOf = (r: { type: string; text: string }) => { assert.match(r.type, /^application\/json; charset=utf-8/); return JSON.parse(r.text); };
/** The spec's error element, in the format asked for: the HTTP code, and the description saying why. */
function specError(r: { status: number; type: string; text: string }, status: number, format: 'xml' | 'json', says?: RegExp) {
  assert.is(r.status, status, r.text);
  if (format === 'xml') {
    const doc = xmlOf(r);
    assert.equal(foreign(doc, SPEC.errors), []);
    const e = kids(doc, 'error')[0];
    assert.is(childText(e, 'code'), String(status));
    if (says) assert.match(childText(e, 'description') ?? '', says);
  } else {
    const body = jsonOf(r);
    assert.ok(Array.isArray(body));
    assert.is(body[0].code, status);
    if (says) assert.match(body[0].description, says);
  }
}

O('discovery: XML and JSON with the spec\'s fields; the endpoint lists both formats', async ({ s }) => {
  const x = xmlOf(await get(s, '/discovery.xml'));
  assert.is(x.name, 'discovery');
  assert.equal(foreign(x, SPEC.discovery), []);
  const ep = kids(child(x, 'endpoints')!, 'endpoint')[0];
  assert.is(childText(ep, 'specification'), 'http://wiki.open311.org/GeoReport_v2');
  assert.is(childText(ep, 'url'), `${s.url}${V2}`);
  assert.equal(kids(child(ep, 'formats')!, 'format').map((f) => f.text), ['text/xml', 'application/json']);
  const j = jsonOf(await get(s, '/discovery.json'));
  assert.equal(Object.keys(j), ['changeset', 'contact', 'key_service', 'endpoints']);
  assert.equal(j.endpoints[0].formats, ['text/xml', 'application/json']);
  assert.is(j.endpoints[0].type, 'production');
  // No suffix is XML, the required format.
  assert.is(xmlOf(await get(s, '/discovery')).name, 'discovery');
});

O('services: every category, metadata true where it has attributes, in both formats', async ({ s }) => {
  const x = xmlOf(await get(s, '/services.xml'));
  assert.equal(foreign(x, SPEC.services), []);
  const services = kids(x, 'service');
  const [{ n }] = await s.sql<{ n: number }[]>`SELECT count(*)::int AS n FROM categories`;
  assert.is(services.length, n);
  const elevator = services.find((e) => childText(e, 'service_code') === 'elevator')!;
  assert.is(childText(elevator, 'service_name'), '电梯故障');
  assert.is(childText(elevator, 'metadata'), 'true');
  assert.is(childText(elevator, 'type'), 'realtime');
  assert.is(childText(elevator, 'group'), '公共设施');
  assert.is(childText(services.find((e) => childText(e, 'service_code') === 'clutter')!, 'metadata'), 'false');
  const j = jsonOf(await get(s, '/services.json'));
  assert.ok(Array.isArray(j));
  assert.is(j.length, n);
  const je = j.find((e: { service_code: string }) => e.service_code === 'elevator');
  assert.equal(Object.keys(je), ['service_code', 'service_name', 'description', 'metadata', 'type', 'keywords', 'group']);
  assert.is(je.metadata, true);
});

O('service definition: attributes with datatype, order and values; a category without any has none; unknown is 404', async ({ s }) => {
  const x = xmlOf(await get(s, '/services/elevator.xml'));
  assert.equal(foreign(x, SPEC.service_definition), []);
  assert.is(childText(x, 'service_code'), 'elevator');
  const attrs = kids(child(x, 'attributes')!, 'attribute');
  const trapped = attrs.find((a) => childText(a, 'code') === 'trapped')!;
  assert.is(childText(trapped, 'datatype'), 'singlevaluelist');
  assert.is(childText(trapped, 'required'), 'true');
  assert.is(childText(trapped, 'variable'), 'true');
  assert.is(childText(trapped, 'order'), '1');
  assert.equal(kids(child(trapped, 'values')!, 'value').map((v) => childText(v, 'key')), ['yes', 'no']);
  const floor = attrs.find((a) => childText(a, 'code') === 'floor')!;
  assert.is(childText(floor, 'datatype'), 'number');
  assert.is(childText(floor, 'order'), '2');
  const j = jsonOf(await get(s, '/services/elevator.json'));
  assert.is(j.service_code, 'elevator');
  assert.equal(j.attributes.map((a: { code: string }) => a.code), ['trapped', 'floor', 'building']);
  assert.equal(j.attributes[0].values.map((v: { key: string }) => v.key), ['yes', 'no']);
  assert.equal(jsonOf(await get(s, '/services/clutter.json')).attributes, []);
  specError(await get(s, '/services/nope.xml'), 404, 'xml', /service_code "nope" was not found/);
  specError(await get(s, '/services/nope.json'), 404, 'json', /not found/);
});

O('POST requests: api_key required (403), then service_code (400 / 404), a location (400), required attributes (400)', async ({ s, g, key, so }) => {
  const base = { api_key: key, service_code: 'clutter', lat: String(g.lat), long: String(g.lng), description: '楼道堆物' };
  specError(await post(s, '/requests.xml', { ...base, api_key: '' }), 403, 'xml', /api_key was not provided/);
  specError(await post(s, '/requests.json', { service_code: 'clutter' }), 403, 'json', /api_key/);
  specError(await post(s, '/requests.xml', { ...base, api_key: 'o311_' + 'x'.repeat(43) }), 403, 'xml', /invalid api_key/);
  const revoked = await createKey(s.sql, so, 'revoked-client', null);
  await revokeKey(s.sql, so, { name: 'revoked-client' });
  specError(await post(s, '/requests.xml', { ...base, api_key: revoked.key }), 403, 'xml', /invalid api_key/);
  specError(await post(s, '/requests.xml', { ...base, service_code: '' }), 400, 'xml', /service_code was not provided/);
  specError(await post(s, '/requests.json', { ...base, service_code: 'potholes' }), 404, 'json', /service_code "potholes" was not found/);
  specError(await post(s, '/requests.xml', { api_key: key, service_code: 'clutter' }), 400, 'xml', /location is required/);
  specError(await post(s, '/requests.xml', { api_key: key, service_code: 'clutter', lat: String(g.lat) }), 400, 'xml', /lat and long must be sent together/);
  specError(await post(s, '/requests.xml', { ...base, lat: '38.2', long: '116.7' }), 400, 'xml', /outside every grid/);
  specError(await post(s, '/requests.xml', { ...base, lat: 'north' }), 400, 'xml', /WGS-84/);
  specError(await post(s, '/requests.xml', { ...base, service_code: 'elevator' }), 400, 'xml', /attribute\[trapped\]: required/);
  specError(await post(s, '/requests.xml', { ...base, service_code: 'elevator', 'attribute[trapped]': 'maybe' }), 400, 'xml', /must be one of yes, no/);
  specError(await post(s, '/requests.xml', { ...base, email: 'not-an-email' }), 400, 'xml', /email/);
  specError(await post(s, '/requests.xml', { ...base, media_url: 'javascript:alert(1)' }), 400, 'xml', /media_url/);
  // A JSON body is not what the spec sends: a 400 in the spec's shape, not the app's own error body.
  const json = await fetch(`${s.url}${V2}/requests.json`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(base) });
  specError({ status: json.status, type: json.headers.get('content-type') ?? '', text: await json.text() }, 400, 'json', /x-www-form-urlencoded/);
  const [{ n }] = await s.sql<{ n: number }[]>`SELECT count(*)::int AS n FROM tickets WHERE channel = 'open311'`;
  assert.is(n, 0, 'no refused request made a ticket');
});

O('POST requests: a ticket like any other — in its grid, auto-dispatched, on a wall socket within a second', async ({ s, g, key }) => {
  const helper = await responderIn(s.sql, g.id);
  const on = await onDutyAt(s, helper.username, { lat: g.lat + 0.0003, lng: g.lng });
  const wall = s.socket({ displayToken: s.displayToken });
  await waitFor(wall, 'live:snapshot', () => true, 5000);
  const arrived = waitFor<DeltaBatch>(wall, 'live:delta', (b) => b.changes.some((c) => c.kind === 'ticket' && c.ticket.channel === 'open311'), 3000);
  const t0 = Date.now();
  const res = await post(s, '/requests.xml', {
    api_key: key, service_code: 'elevator', lat: String(g.lat), long: String(g.lng), address_string: '鼎领域小区3号楼',
    'attribute[trapped]': 'yes', 'attribute[floor]': '6', email: 'zhang@example.com', first_name: '三', last_name: '张', phone: '13812345678',
    description: '电梯停在6楼不动了', media_url: 'https://img.example.com/a.jpg', device_id: 'dev-1', account_id: 'acc-42',
  }, { origin: 'https://some-311-app.example' });
  assert.is(res.status, 201, res.text);
  const doc = xmlOf(res);
  assert.equal(foreign(doc, SPEC.created), []);
  const req = kids(doc, 'request')[0];
  const id = childText(req, 'service_request_id')!;
  assert.match(id, /^\d+$/);
  assert.is(child(req, 'token'), undefined, 'no token when the id is known');
  assert.match(childText(req, 'service_notice')!, /5分钟内响应/);
  assert.is(childText(req, 'account_id'), 'acc-42');
  const batch = await arrived;
  assert.ok(Date.now() - t0 < 1000, `on the wall within a second (took ${Date.now() - t0} ms)`);
  const change = batch.changes.find((c) => c.kind === 'ticket' && c.ticket.id === id);
  assert.ok(change, 'the wall got this very ticket');
  const [t] = await s.sql<{ grid_id: string; channel: string; reporter_name: string; reporter_phone: string; attributes: unknown; intake: Record<string, unknown>; urgency: string }[]>`
    SELECT grid_id, channel, reporter_name, reporter_phone, attributes, intake, urgency FROM tickets WHERE id = ${id}`;
  assert.is(t.grid_id, g.id);
  assert.is(t.channel, 'open311');
  assert.is(t.reporter_name, '张三');
  assert.is(t.reporter_phone, '13812345678');
  assert.equal(t.attributes, { trapped: 'yes', floor: 6 });
  assert.is(t.intake.email, 'zhang@example.com');
  await until(async () => (await s.sql`SELECT 1 FROM offers WHERE ticket_id = ${id} AND responder_id = ${on.responderId}`).length > 0, 5000, 'auto-dispatched');
  // JSON, and a retry with the same Idempotency-Key answers the same id.
  const j1 = await post(s, '/requests.json', { api_key: key, service_code: 'clutter', lat: String(g.lat), long: String(g.lng) }, { 'idempotency-key': 'o311-retry-0001' });
  const j2 = await post(s, '/requests.json', { api_key: key, service_code: 'clutter', lat: String(g.lat), long: String(g.lng) }, { 'idempotency-key': 'o311-retry-0001' });
  assert.is(j1.status, 201);
  const a = jsonOf(j1), b = jsonOf(j2);
  assert.ok(Array.isArray(a));
  assert.equal(Object.keys(a[0]), ['service_request_id', 'service_notice', 'account_id']);
  assert.is(a[0].account_id, null);
  assert.is(b[0].service_request_id, a[0].service_request_id);
  const [{ last }] = await s.sql<{ last: Date | null }[]>`SELECT last_used_at AS last FROM open311_keys WHERE name = 'test-client'`;
  assert.ok(last, 'the key\'s use is noted');
  on.sock.close();
});

O('POST requests by address: address_id is a compound, a compound named in address_string places it, any other address gets a token until duty staff place it', async ({ s, key }) => {
  const [c] = await s.sql<{ id: string; name: string; grid_id: string }[]>`SELECT id, name, grid_id FROM compounds WHERE name = '金鼎花园'`;
  const byId = jsonOf(await post(s, '/requests.json', { api_key: key, service_code: 'road', address_id: c.id }));
  const [t1] = await s.sql<{ grid_id: string; address: string }[]>`SELECT grid_id, address FROM tickets WHERE id = ${byId[0].service_request_id}`;
  assert.equal(t1, { grid_id: c.grid_id, address: '金鼎花园' });
  specError(await post(s, '/requests.xml', { api_key: key, service_code: 'road', address_id: '999999' }), 400, 'xml', /address_id/);
  const byName = jsonOf(await post(s, '/requests.json', { api_key: key, service_code: 'road', address_string: '运河区金鼎花园东门' }));
  const [t2] = await s.sql<{ grid_id: string }[]>`SELECT grid_id FROM tickets WHERE id = ${byName[0].service_request_id}`;
  assert.is(t2.grid_id, c.grid_id);
  const unknown = await post(s, '/requests.xml', { api_key: key, service_code: 'road', address_string: '解放路与永济路交口', description: '路面塌陷' });
  assert.is(unknown.status, 201);
  const req = kids(xmlOf(unknown), 'request')[0];
  assert.is(child(req, 'service_request_id'), undefined, 'no id yet');
  const token = childText(req, 'token')!;
  assert.match(token, /^[0-9a-f]{32}$/);
  const waiting = xmlOf(await get(s, `/tokens/${token}.xml`));
  assert.equal(foreign(waiting, SPEC.token), []);
  assert.is(childText(kids(waiting, 'request')[0], 'service_request_id'), '');
  assert.is(childText(kids(waiting, 'request')[0], 'token'), token);
  const duty = await s.login('duty');
  const pending = await s.api('GET', '/api/open311/pending', { cookie: duty });
  const mine = pending.body.find((p: { token: string }) => p.token === token);
  assert.is(mine.addressString, '解放路与永济路交口');
  const placed = await s.api('POST', `/api/open311/pending/${mine.id}/place`, { cookie: duty, body: { gridId: c.grid_id } });
  assert.is(placed.status, 201, JSON.stringify(placed.body));
  assert.is(placed.body.channel, 'open311');
  const known = jsonOf(await get(s, `/tokens/${token}.json`));
  assert.equal(known, [{ service_request_id: placed.body.id, token }]);
  assert.is((await s.api('POST', `/api/open311/pending/${mine.id}/place`, { cookie: duty, body: { gridId: c.grid_id } })).status, 409);
  specError(await get(s, `/tokens/${'0'.repeat(32)}.xml`), 404, 'xml', /token/);
  specError(await get(s, '/tokens/nonsense.json'), 404, 'json');
});

O('GET requests: spec element names in spec order, status open/closed, detailed state in status_notes, times with their zone', async ({ s, g, key }) => {
  const made = jsonOf(await post(s, '/requests.json', { api_key: key, service_code: 'parking', lat: String(g.lat), long: String(g.lng), description: '车辆占用消防通道，车主电话13900001111' }));
  const id = made[0].service_request_id;
  const x = xmlOf(await get(s, `/requests/${id}.xml`));
  assert.equal(foreign(x, SPEC.requests), []);
  const r = kids(x, 'request')[0];
  assert.ok(inSpecOrder(r.children.map((c) => c.name), REQUEST_ORDER), r.children.map((c) => c.name).join(','));
  assert.is(childText(r, 'status'), 'open');
  assert.match(childText(r, 'status_notes')!, /(待派单|已派单) · /);
  assert.is(childText(r, 'description'), '车辆占用消防通道，车主电话139****1111', 'numbers in the text are masked');
  assert.is(childText(r, 'agency_responsible'), g.communityName);
  assert.match(childText(r, 'requested_datetime')!, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+08:00$/);
  const [t] = await s.sql<{ reported_at: Date; resolution_target_s: number }[]>`SELECT reported_at, resolution_target_s FROM tickets WHERE id = ${id}`;
  assert.is(Date.parse(childText(r, 'requested_datetime')!), Math.floor(t.reported_at.getTime() / 1000) * 1000);
  assert.is(Date.parse(childText(r, 'expected_datetime')!), Math.floor((t.reported_at.getTime() + t.resolution_target_s * 1000) / 1000) * 1000, 'expected from the resolution target');
  assert.is(Number(childText(r, 'lat')), g.lat);
  // Resolved (awaiting verification) reads as closed, with the detail in status_notes; updated_datetime is when it closed.
  const duty = await s.login('duty');
  await s.api('POST', `/api/tickets/${id}/respond`, { cookie: duty, body: {} });
  const resolved = await s.api('POST', `/api/tickets/${id}/resolve`, { cookie: duty, body: { note: '已挪走' } });
  const j = jsonOf(await get(s, `/requests/${id}.json`))[0];
  assert.is(j.status, 'closed');
  assert.match(j.status_notes, /待核实销号/);
  assert.is(Date.parse(j.updated_datetime), Math.floor(Date.parse(resolved.body.resolvedAt) / 1000) * 1000);
  specError(await get(s, '/requests/99999999.xml'), 404, 'xml', /not found/);
  specError(await get(s, '/requests/abc.json'), 404, 'json');
});

O('GET requests: default 90 days and at most 1,000; start/end (≤ 90 days), status, service_code lists, id lists override, page/page_size', async ({ s, g, key }) => {
  const mk = async (code: string) => jsonOf(await post(s, '/requests.json', { api_key: key, service_code: code, lat: String(g.lat), long: String(g.lng) }))[0].service_request_id as string;
  const old = await mk('posters');
  await s.sql`UPDATE tickets SET reported_at = now() - interval '100 days' WHERE id = ${old}`;
  const fresh = await mk('posters');
  const ids = (r: { service_request_id: string }[]) => r.map((x) => x.service_request_id);
  const all = jsonOf(await get(s, '/requests.json'));
  assert.ok(all.length <= 1000);
  assert.ok(ids(all).includes(fresh));
  assert.not.ok(ids(all).includes(old), 'older than 90 days is outside the default span');
  assert.ok(all.every((r: { requested_datetime: string }, i: number) => i === 0 || Date.parse(all[i - 1].requested_datetime) >= Date.parse(r.requested_datetime)), 'newest first');
  const start = new Date(Date.now() - 110 * 86400_000).toISOString(), end = new Date(Date.now() - 95 * 86400_000).toISOString();
  assert.equal(ids(jsonOf(await get(s, `/requests.json?start_date=${start}&end_date=${end}`))), [old]);
  assert.ok(ids(jsonOf(await get(s, `/requests.json?end_date=${end}`))).includes(old), 'end only: the 90 days before it');
  assert.ok(ids(jsonOf(await get(s, `/requests.json?start_date=${start}`))).includes(old), 'start only: the 90 days after it');
  specError(await get(s, `/requests.xml?start_date=${new Date(Date.now() - 100 * 86400_000).toISOString()}&end_date=${new Date().toISOString()}`), 400, 'xml', /90 days/);
  specError(await get(s, `/requests.xml?start_date=${end}&end_date=${start}`), 400, 'xml', /after end_date/);
  specError(await get(s, '/requests.json?start_date=yesterday'), 400, 'json', /w3 date/);
  specError(await get(s, '/requests.xml?start_date=2024-01-01T00:00:00'), 400, 'xml', /zone/);
  // service_request_id overrides every other argument (the old one is found despite the default span and the status).
  assert.equal(ids(jsonOf(await get(s, `/requests.json?service_request_id=${old},${fresh}&status=closed&service_code=clutter`))).sort(), [old, fresh].sort());
  specError(await get(s, '/requests.xml?service_request_id=1,x'), 400, 'xml');
  // status
  const open = jsonOf(await get(s, '/requests.json?status=open'));
  assert.ok(open.length > 0 && open.every((r: { status: string }) => r.status === 'open'));
  const closed = jsonOf(await get(s, '/requests.json?status=closed'));
  assert.ok(closed.every((r: { status: string }) => r.status === 'closed'));
  assert.is(jsonOf(await get(s, '/requests.json?status=open,closed')).length, all.length);
  specError(await get(s, '/requests.xml?status=pending'), 400, 'xml', /status/);
  // service_code, one and a list
  const posters = jsonOf(await get(s, '/requests.json?service_code=posters'));
  assert.ok(posters.length >= 1 && posters.every((r: { service_code: string }) => r.service_code === 'posters'));
  const two = jsonOf(await get(s, '/requests.json?service_code=posters,elevator'));
  assert.ok(two.every((r: { service_code: string }) => ['posters', 'elevator'].includes(r.service_code)));
  assert.ok(two.length > posters.length);
  specError(await get(s, '/requests.json?service_code=potholes'), 404, 'json', /potholes/);
  // page / page_size
  const p1 = jsonOf(await get(s, '/requests.json?page_size=3'));
  const p2 = jsonOf(await get(s, '/requests.json?page_size=3&page=2'));
  assert.is(p1.length, 3);
  assert.equal([...ids(p1), ...ids(p2)], ids(all).slice(0, 6));
  specError(await get(s, '/requests.xml?page_size=1001'), 400, 'xml');
  specError(await get(s, '/requests.xml?page=0'), 400, 'xml');
  specError(await get(s, '/requests.xml?colour=red'), 400, 'xml', /colour/);
  // Empty optional arguments are the same as none.
  assert.is(jsonOf(await get(s, '/requests.json?status=&service_code=&jurisdiction_id=')).length, all.length);
});

O('GET requests with extensions=true: extended attributes, attributes and the public timeline as notes; a household\'s request shows no detail', async ({ s, g, key }) => {
  const id = jsonOf(await post(s, '/requests.json', { api_key: key, service_code: 'elevator', lat: String(g.lat), long: String(g.lng), 'attribute[trapped]': 'no', 'attribute[floor]': '3' }))[0].service_request_id;
  const plain = jsonOf(await get(s, `/requests/${id}.json`))[0];
  assert.is(plain.extended_attributes, undefined, 'only when asked for');
  const ext = jsonOf(await get(s, `/requests/${id}.json?extensions=true`))[0];
  assert.is(ext.extended_attributes.channel, 'open311');
  assert.is(ext.extended_attributes.response_target_minutes, 5);
  assert.equal(ext.attributes.map((a: { name: string }) => a.name), ['trapped', 'floor']);
  assert.is(ext.attributes[0].value, '没有人被困');
  assert.is(ext.notes[0].type, 'received');
  const x = xmlOf(await get(s, `/requests.xml?service_request_id=${id}&extensions=true`));
  assert.ok(child(kids(x, 'request')[0], 'extended_attributes'));
  assert.is(kids(child(kids(x, 'request')[0], 'notes')!, 'note').length >= 1, true);
  // Help for an elderly household: no description, no exact place.
  const elderly = jsonOf(await post(s, '/requests.json', { api_key: key, service_code: 'elderly', lat: String(g.lat + 0.0004), long: String(g.lng), description: '独居老人王大爷需要代购药品' }))[0].service_request_id;
  const e = jsonOf(await get(s, `/requests/${elderly}.json?extensions=true`))[0];
  assert.is(e.description, null);
  assert.is(e.lat, (await s.sql<{ label_lat: number }[]>`SELECT label_lat FROM grids WHERE id = ${g.id}`)[0].label_lat);
  assert.not.ok(JSON.stringify(e).includes('王大爷'));
});

O('errors in the spec\'s element for everything else: unknown resources 404, unknown formats and methods 400', async ({ s }) => {
  specError(await get(s, '/nothing.json'), 404, 'json', /no such Open311 resource/);
  specError(await get(s, '/nothing'), 404, 'xml');
  specError(await get(s, '/services.csv'), 400, 'xml', /format/);
  const wrongMethod = await fetch(`${s.url}${V2}/services.json`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'a=1' });
  specError({ status: wrongMethod.status, type: wrongMethod.headers.get('content-type') ?? '', text: await wrongMethod.text() }, 400, 'json', /not allowed/);
});

O('jurisdiction_id: optional while one office is served (a wrong one is 404), required once there are two (400)', async ({ s, jid, key }) => {
  assert.is((await get(s, `/services.json?jurisdiction_id=${jid}`)).status, 200);
  specError(await get(s, '/services.xml?jurisdiction_id=elsewhere.gov'), 404, 'xml', /jurisdiction_id "elsewhere.gov" was not found/);
  specError(await get(s, '/requests.json?jurisdiction_id=elsewhere.gov'), 404, 'json');
  const [other] = await s.sql<{ id: string; jurisdiction_id: string }[]>`INSERT INTO street_offices (name, center_lat, center_lng, jurisdiction_id) VALUES ('外街道', 38.4, 116.9, 'waijie.example.gov') RETURNING id, jurisdiction_id`;
  specError(await get(s, '/services.xml'), 400, 'xml', /jurisdiction_id was not provided/);
  specError(await get(s, '/requests.json'), 400, 'json', /jurisdiction_id was not provided/);
  assert.is((await get(s, `/requests.json?jurisdiction_id=${jid}`)).status, 200);
  assert.equal(jsonOf(await get(s, `/requests.json?jurisdiction_id=${other.jurisdiction_id}`)), []);
  // A key is valid for its own jurisdiction only; a ticket of one is not found under the other.
  specError(await post(s, '/requests.xml', { api_key: key, jurisdiction_id: other.jurisdiction_id, service_code: 'clutter', address_string: 'x' }), 403, 'xml', /not valid for jurisdiction/);
  const [t] = await s.sql<{ id: string }[]>`SELECT id FROM tickets ORDER BY id DESC LIMIT 1`;
  specError(await get(s, `/requests/${t.id}.json?jurisdiction_id=${other.jurisdiction_id}`), 404, 'json');
  await s.sql`DELETE FROM street_offices WHERE id = ${other.id}`;
});

O.run();
