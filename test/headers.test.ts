// Security headers on pages and API answers; HSTS and the Secure cookie only where TLS is known to be in front.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { startTestServer, type TestServer } from './helpers/server.ts';

const H = suite<{ s: TestServer; tls: TestServer }>('security headers');

H.before(async (ctx) => {
  ctx.s = await startTestServer({ start: false });
  ctx.tls = await startTestServer({ start: false, config: { publicUrl: 'https://grid.example.gov.cn', tileUrl: 'http://tiles.local:8080/{z}/{x}/{y}.png' } });
});
H.after(async ({ s, tls }) => { await s.close(); await tls.close(); });

H('every answer carries a CSP without inline script, nosniff, no framing, no referrer and a Permissions-Policy', async ({ s }) => {
  for (const path of ['/', '/wall', '/api/me', '/healthz', '/api/tickets/1/close']) {
    const res = await fetch(s.url + path, { method: path.endsWith('close') ? 'POST' : 'GET' });
    const csp = res.headers.get('content-security-policy') ?? '';
    assert.match(csp, /script-src 'self'(;|$)/, path);
    assert.not.match(csp, /script-src[^;]*unsafe-inline/, path);
    assert.match(csp, /frame-ancestors 'none'/, path);
    assert.match(csp, /object-src 'none'/, path);
    assert.is(res.headers.get('x-content-type-options'), 'nosniff', path);
    assert.is(res.headers.get('x-frame-options'), 'DENY', path);
    assert.is(res.headers.get('referrer-policy'), 'no-referrer', path);
    assert.match(res.headers.get('permissions-policy') ?? '', /geolocation=\(self\)/, path);
    assert.is(res.headers.get('strict-transport-security'), null, 'no HSTS over plain HTTP');
  }
});

H('behind TLS (an https public URL): HSTS, upgrade-insecure-requests, a Secure session cookie; the tile server may serve images', async ({ tls }) => {
  const res = await fetch(tls.url + '/');
  assert.match(res.headers.get('strict-transport-security') ?? '', /max-age=\d+/);
  const csp = res.headers.get('content-security-policy') ?? '';
  assert.match(csp, /upgrade-insecure-requests/);
  assert.match(csp, /img-src [^;]*http:\/\/tiles\.local:8080/);
  const login = await fetch(tls.url + '/api/auth/login', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'duty', password: 'demo1234' }) });
  assert.is(login.status, 200);
  assert.match(login.headers.getSetCookie()[0], /;\s*secure/i);
});

H('over plain HTTP the session cookie is not marked Secure (it would never come back)', async ({ s }) => {
  const login = await fetch(s.url + '/api/auth/login', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'duty', password: 'demo1234' }) });
  assert.not.match(login.headers.getSetCookie()[0], /;\s*secure/i);
});

H.run();
