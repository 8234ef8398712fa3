// Wall-screen links managed by an administrator: a community link sees only its community, revoking or rotating
// ends the screens at once, and only administrators manage them.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { decodeSnapshot } from '../shared/snapshot-codec.ts';
import type { PackedSnapshot } from '../shared/snapshot-codec.ts';
import { startTestServer, waitFor, type TestServer } from './helpers/server.ts';

const D = suite<{ s: TestServer; admin: string }>('display links');

D.before(async (ctx) => {
  ctx.s = await startTestServer();
  ctx.admin = await ctx.s.login('admin');
});
D.after(async ({ s }) => s.close());

D('only an administrator lists and makes display links', async ({ s }) => {
  for (const who of ['duty', 'leader01', 'manager', 'r001']) {
    const cookie = await s.login(who);
    assert.is((await s.api('GET', '/api/admin/display-links', { cookie })).status, 403, who);
    assert.is((await s.api('POST', '/api/admin/display-links', { cookie, body: { label: 'x' } })).status, 403, who);
  }
  assert.is((await s.api('GET', '/api/admin/display-links')).status, 401);
});

D('a community link shows that community only, and the list says when it was last used', async ({ s, admin }) => {
  const [c] = await s.sql<{ id: string; name: string }[]>`SELECT id, name FROM communities ORDER BY id LIMIT 1`;
  const made = await s.api('POST', '/api/admin/display-links', { cookie: admin, body: { label: `${c.name} 大屏`, communityId: c.id } });
  assert.is(made.status, 201);
  assert.match(made.body.url, /\/wall\?token=/);
  assert.is(made.body.link.communityName, c.name);
  const wall = s.socket({ displayToken: made.body.token });
  const snap = decodeSnapshot(await waitFor<PackedSnapshot>(wall, 'live:snapshot'));
  assert.is(snap.scope.kind, 'grids');
  const ids = new Set((await s.sql<{ id: string }[]>`SELECT id::text FROM grids WHERE community_id = ${c.id}`).map((g) => g.id));
  assert.ok(snap.tickets.every((t) => ids.has(t.gridId)), 'tickets of that community only');
  const list = (await s.api('GET', '/api/admin/display-links', { cookie: admin })).body as Array<{ id: string; lastUsedAt: string | null }>;
  assert.ok(list.find((l) => l.id === made.body.link.id)?.lastUsedAt, 'last used is recorded');
  const bad = await s.api('POST', '/api/admin/display-links', { cookie: admin, body: { label: 'x', communityId: '999999' } });
  assert.is(bad.status, 400);
});

D('revoking a link ends its screens at once and refuses it from then on', async ({ s, admin }) => {
  const made = (await s.api('POST', '/api/admin/display-links', { cookie: admin, body: { label: '指挥大厅 2号屏' } })).body;
  const wall = s.socket({ displayToken: made.token });
  await waitFor(wall, 'live:snapshot');
  const ended = waitFor<{ reason: string }>(wall, 'session:ended');
  const gone = new Promise<string>((r) => wall.on('disconnect', (reason) => r(reason)));
  const res = await s.api('POST', `/api/admin/display-links/${made.link.id}/revoke`, { cookie: admin });
  assert.is(res.status, 200);
  assert.ok(res.body.revokedAt);
  assert.is((await ended).reason, 'display link revoked');
  assert.is(await gone, 'io server disconnect');
  const again = s.socket({ displayToken: made.token });
  const err = await new Promise<Error>((r) => again.on('connect_error', r));
  assert.match(err.message, /^unauthorized/);
});

D('rotating gives a new token for the same screen and scope; the old one stops working', async ({ s, admin }) => {
  const made = (await s.api('POST', '/api/admin/display-links', { cookie: admin, body: { label: '值班室' } })).body;
  const old = s.socket({ displayToken: made.token });
  await waitFor(old, 'live:snapshot');
  const ended = waitFor<{ reason: string }>(old, 'session:ended');
  const rotated = await s.api('POST', `/api/admin/display-links/${made.link.id}/rotate`, { cookie: admin });
  assert.is(rotated.status, 200);
  assert.is(rotated.body.link.label, '值班室');
  assert.is.not(rotated.body.token, made.token);
  assert.is((await ended).reason, 'display link rotated');
  await waitFor(s.socket({ displayToken: rotated.body.token }), 'live:snapshot');
  assert.is((await s.api('POST', `/api/admin/display-links/${made.link.id}/rotate`, { cookie: admin })).status, 409);
});

D.run();
