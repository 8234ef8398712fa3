// Who may see and do what: grid leaders in their grids, responders on their own offers, display tokens read-only.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { startTestServer, waitFor, type TestServer } from './helpers/server.ts';
import { gridByCode, newTicket, noAutoDispatch, otherStreetOffice, responderIn, type GridRef } from './helpers/fixtures.ts';

const A = suite<{ s: TestServer; duty: string; leader: string; mine: GridRef; theirs: GridRef; myTicket: string; theirTicket: string }>('access');

A.before(async (ctx) => {
  ctx.s = await startTestServer();
  await noAutoDispatch(ctx.s.sql);
  ctx.duty = await ctx.s.login('duty');
  ctx.leader = await ctx.s.login('leader01');
  ctx.mine = await gridByCode(ctx.s.sql, '01-2');
  ctx.theirs = await gridByCode(ctx.s.sql, '07-3');
  ctx.myTicket = (await ctx.s.api('POST', '/api/tickets', { cookie: ctx.duty, body: newTicket(ctx.mine) })).body.id;
  ctx.theirTicket = (await ctx.s.api('POST', '/api/tickets', { cookie: ctx.duty, body: newTicket(ctx.theirs) })).body.id;
});
A.after(async ({ s }) => s.close());

A('signed out: 401 on every API; wrong password is 401 without saying which part was wrong', async ({ s, myTicket }) => {
  for (const [m, p] of [['GET', '/api/tickets'], ['GET', `/api/tickets/${myTicket}`], ['POST', '/api/tickets'], ['GET', '/api/me'], ['GET', '/api/grids'], ['POST', `/api/tickets/${myTicket}/close`]]) {
    assert.is((await s.api(m, p, { body: m === 'POST' ? {} : undefined })).status, 401, `${m} ${p}`);
  }
  const bad = await s.api('POST', '/api/auth/login', { body: { username: 'duty', password: 'nope' } });
  assert.is(bad.status, 401);
  assert.is(bad.body.error.message, 'wrong username or password');
  assert.is((await s.api('POST', '/api/auth/login', { body: { username: 'ghost', password: 'nope' } })).body.error.message, 'wrong username or password');
});

A('the session cookie is httpOnly and SameSite', async ({ s }) => {
  const res = await fetch(s.url + '/api/auth/login', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'duty', password: 'demo1234' }) });
  const cookie = res.headers.getSetCookie()[0];
  assert.match(cookie, /httponly/i);
  assert.match(cookie, /samesite=strict/i);
});

A('a grid leader sees and acts on their own grids only', async ({ s, leader, myTicket, theirTicket, theirs }) => {
  assert.is((await s.api('GET', `/api/tickets/${myTicket}`, { cookie: leader })).status, 200);
  assert.is((await s.api('GET', `/api/tickets/${theirTicket}`, { cookie: leader })).status, 403);
  assert.is((await s.api('POST', `/api/tickets/${theirTicket}/respond`, { cookie: leader, body: {} })).status, 403);
  assert.is((await s.api('POST', '/api/tickets', { cookie: leader, body: newTicket(theirs) })).status, 403);
  const list = await s.api('GET', '/api/tickets', { cookie: leader });
  assert.ok(list.body.items.some((t: { id: string }) => t.id === myTicket));
  assert.not.ok(list.body.items.some((t: { id: string }) => t.id === theirTicket));
});

A('a grid leader cannot dispatch another grid\'s responder', async ({ s, leader, myTicket, theirs }) => {
  const other = await responderIn(s.sql, theirs.id);
  await s.api('POST', '/api/duty', { cookie: await s.login(other.username), body: { onDuty: true } });
  const res = await s.api('POST', `/api/tickets/${myTicket}/dispatch`, { cookie: leader, body: { responderId: other.responderId } });
  assert.is(res.status, 403);
  const cands = await s.api('GET', `/api/tickets/${myTicket}/candidates`, { cookie: leader });
  assert.not.ok(cands.body.some((c: { responder: { id: string } }) => c.responder.id === other.responderId));
});

A('a ticket of another street office reads as not found', async ({ s, duty }) => {
  const so = await otherStreetOffice(s.sql);
  const g = { id: so.gridId };
  const [t] = await s.sql<{ id: string }[]>`
    INSERT INTO tickets (street_office_id, grid_id, category, channel, urgency, status, description, lat, lng, response_target_s, resolution_target_s)
    VALUES (${so.id}, ${g.id}, 'clutter', 'hotline', 'normal', 'reported', 'x', 38.405, 116.905, 600, 3600) RETURNING id`;
  assert.is((await s.api('GET', `/api/tickets/${t.id}`, { cookie: duty })).status, 404);
  assert.is((await s.api('POST', `/api/tickets/${t.id}/close`, { cookie: duty, body: {} })).status, 404);
});

A('a responder sees only what is offered or assigned to them', async ({ s, duty, mine, myTicket }) => {
  const r = await responderIn(s.sql, mine.id);
  const phone = await s.login(r.username);
  assert.is((await s.api('GET', `/api/tickets/${myTicket}`, { cookie: phone })).status, 403);
  const list = (await s.api('GET', '/api/tickets', { cookie: phone })).body.items as Array<{ id: string; assigneeId: string | null; offer: { responderId: string } | null }>;
  assert.ok(list.every((t) => t.assigneeId === r.responderId || t.offer?.responderId === r.responderId), 'only their own (past or present) tickets');
  assert.not.ok(list.some((t) => t.id === myTicket));
  assert.is((await s.api('GET', '/api/responders', { cookie: phone })).status, 403);
  await s.api('POST', '/api/duty', { cookie: phone, body: { onDuty: true } });
  await s.api('POST', `/api/tickets/${myTicket}/dispatch`, { cookie: duty, body: { responderId: r.responderId } });
  const seen = await s.api('GET', `/api/tickets/${myTicket}`, { cookie: phone });
  assert.is(seen.status, 200);
  assert.is(seen.body.mayRevealPhone, false, 'the number is for the responder who has the ticket, not one offered it');
  assert.is((await s.api('POST', `/api/tickets/${myTicket}/phone`, { cookie: phone })).status, 403);
  assert.equal(seen.body.allowedActions, ['accept', 'decline']);
  assert.is((await s.api('POST', `/api/tickets/${myTicket}/close`, { cookie: phone, body: {} })).status, 403);
});

A('a manager reads everything and changes nothing', async ({ s, myTicket, mine }) => {
  const m = await s.login('manager');
  assert.is((await s.api('GET', `/api/tickets/${myTicket}`, { cookie: m })).status, 200);
  assert.is((await s.api('POST', `/api/tickets/${myTicket}/reject`, { cookie: m, body: { reason: 'x' } })).status, 403);
  assert.is((await s.api('POST', '/api/tickets', { cookie: m, body: newTicket(mine) })).status, 403);
  assert.is((await s.api('GET', '/api/reports?period=custom&from=2026-01-01&to=2026-12-31', { cookie: m })).status, 200);
});

A('a display link reads only the live stream: the REST API, tickets\' history and photos stay closed to it', async ({ s, myTicket, mine }) => {
  const h = { authorization: `Display ${s.displayToken}` };
  for (const path of ['/api/tickets', `/api/tickets/${myTicket}`, '/api/responders', '/api/me', `/api/dispatch/tickets/${myTicket}/linked`]) {
    assert.is((await s.api('GET', path, { headers: h })).status, 401, path);
    assert.is((await s.api('GET', `${path}?token=${s.displayToken}`)).status, 401, `${path}?token=`);
  }
  assert.is((await s.api('POST', '/api/tickets', { headers: h, body: newTicket(mine) })).status, 401);
  assert.is((await s.api('POST', `/api/tickets/${myTicket}/reject`, { headers: h, body: { reason: 'x' } })).status, 401);
  const sock = s.socket({ displayToken: s.displayToken });
  await waitFor(sock, 'live:snapshot');
  const res = await sock.timeout(2000).emitWithAck('duty:set', { onDuty: true });
  assert.equal(res, { ok: false, error: { code: 'forbidden', message: 'display may not send duty:set' } });
});

A('a retried link-report answers only with tickets the caller may see (a used key is no way into another grid)', async ({ s, duty, leader, mine, theirs, myTicket, theirTicket }) => {
  const key = 'shared-link-key-42';
  const call = (g: typeof mine, duplicateOf: string) => ({ ...newTicket(g), channel: 'hotline', duplicateOf });
  const first = await s.api('POST', '/api/dispatch/link-report', { cookie: duty, body: call(theirs, theirTicket), headers: { 'idempotency-key': key } });
  assert.is(first.status, 201);
  const replay = await s.api('POST', '/api/dispatch/link-report', { cookie: leader, body: call(mine, myTicket), headers: { 'idempotency-key': key } });
  assert.is(replay.status, 403, JSON.stringify(replay.body));
  assert.not.ok(JSON.stringify(replay.body).includes(theirTicket), 'nothing of the other grid\'s ticket is in the answer');
  // A key that made an ordinary ticket is not a link record.
  const plainKey = 'plain-ticket-key-43';
  await s.api('POST', '/api/tickets', { cookie: duty, body: newTicket(mine), headers: { 'idempotency-key': plainKey } });
  const misuse = await s.api('POST', '/api/dispatch/link-report', { cookie: duty, body: call(mine, myTicket), headers: { 'idempotency-key': plainKey } });
  assert.is(misuse.status, 409);
});

A('writes from another site or as text/plain are refused before they act; same-origin JSON goes through', async ({ s, duty, myTicket }) => {
  const before = await s.sql<{ status: string; version: number }[]>`SELECT status, version FROM tickets WHERE id = ${myTicket}`;
  const post = (headers: Record<string, string>, body = JSON.stringify({ reason: 'cross-site' })) =>
    fetch(`${s.url}/api/tickets/${myTicket}/reject`, { method: 'POST', headers: { cookie: duty, 'content-type': 'application/json', ...headers }, body });
  const evil = await post({ origin: 'https://evil.example' });
  assert.is(evil.status, 403);
  assert.match((await evil.json()).error.message, /cross-site/);
  assert.is((await post({ 'sec-fetch-site': 'cross-site' })).status, 403);
  assert.is((await post({ 'sec-fetch-site': 'same-site' })).status, 403, 'a sibling subdomain is another site too');
  assert.is((await post({ origin: 'null' })).status, 403);
  const plain = await post({ 'content-type': 'text/plain' });
  assert.is(plain.status, 415);
  const after = await s.sql<{ status: string; version: number }[]>`SELECT status, version FROM tickets WHERE id = ${myTicket}`;
  assert.equal(after, before, 'nothing changed');
  const own = new URL(s.url);
  const ok = await post({ origin: own.origin, 'sec-fetch-site': 'same-origin' }, JSON.stringify({ reason: '重复' }));
  assert.is(ok.status, 200);
});

A('a phone number is masked everywhere until someone handling the ticket reveals it; each reveal is recorded', async ({ s, duty, leader, myTicket, theirTicket }) => {
  const manager = await s.login('manager');
  const read = await s.api('GET', `/api/tickets/${myTicket}`, { cookie: manager });
  assert.is(read.body.reporterPhoneMasked, '138****5678');
  assert.is(read.body.mayRevealPhone, false);
  assert.is((await s.api('POST', `/api/tickets/${myTicket}/phone`, { cookie: manager })).status, 403, 'managers read figures, they do not call residents');
  assert.is((await s.api('POST', `/api/tickets/${theirTicket}/phone`, { cookie: leader })).status, 403, 'not outside the leader\'s grids');
  const before = (await s.sql<{ n: number }[]>`SELECT count(*)::int AS n FROM phone_reveals WHERE ticket_id = ${myTicket}`)[0].n;
  assert.equal((await s.api('POST', `/api/tickets/${myTicket}/phone`, { cookie: leader })).body, { phone: '13812345678' });
  assert.equal((await s.api('POST', `/api/tickets/${myTicket}/phone`, { cookie: duty })).body, { phone: '13812345678' });
  const rows = await s.sql<{ username: string }[]>`
    SELECT u.username FROM phone_reveals r JOIN users u ON u.id = r.user_id WHERE r.ticket_id = ${myTicket} ORDER BY r.id OFFSET ${before}`;
  assert.equal(rows.map((r) => r.username), ['leader01', 'duty']);
  const shown = await s.api('GET', `/api/tickets/${myTicket}`, { cookie: duty });
  const names = (await s.sql<{ display_name: string }[]>`SELECT display_name FROM users WHERE username IN ('leader01', 'duty') ORDER BY username DESC`).map((u) => u.display_name);
  assert.equal(shown.body.phoneReveals.slice(-2).map((r: { by: string }) => r.by), names, 'office staff see who looked');
  const refused = await s.sql`UPDATE phone_reveals SET at = now() WHERE ticket_id = ${myTicket}`.then(() => 'updated', () => 'refused');
  assert.is(refused, 'refused', 'the record is append-only');
});

A('logging out ends the session and disconnects its live sockets at once', async ({ s }) => {
  const cookie = await s.login('duty');
  const sock = s.socket({ cookie });
  await waitFor(sock, 'live:snapshot');
  const gone = new Promise<string>((r) => sock.on('disconnect', (reason) => r(reason)));
  assert.is((await s.api('POST', '/api/auth/logout', { cookie, body: {} })).status, 204);
  assert.is(await gone, 'io server disconnect');
  assert.is((await s.api('GET', '/api/me', { cookie })).status, 401);
});

A('disabling an account ends its sessions and sockets', async ({ s }) => {
  const admin = await s.login('admin');
  const cookie = await s.login('leader02');
  const sock = s.socket({ cookie });
  await waitFor(sock, 'live:snapshot');
  const [u] = await s.sql<{ id: string }[]>`SELECT id FROM users WHERE username = 'leader02'`;
  const gone = new Promise((r) => sock.on('disconnect', r));
  assert.is((await s.api('POST', `/api/users/${u.id}/disable`, { cookie: admin, body: {} })).status, 204);
  await gone;
  assert.is((await s.api('GET', '/api/me', { cookie })).status, 401);
  assert.is((await s.api('POST', '/api/auth/login', { body: { username: 'leader02', password: 'demo1234' } })).status, 403);
  assert.is((await s.api('POST', `/api/users/${u.id}/disable`, { cookie: await s.login('duty'), body: {} })).status, 403);
});

A.run();
