// TRUSTED_PROXIES: whose X-Forwarded-For and X-Forwarded-Proto count, over HTTP and in a Socket.IO handshake.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import type { IncomingMessage } from 'node:http';
import { loadConfig } from '../server/config.ts';
import { addressKey, clientAddress, clientProtocol } from '../server/http/client-address.ts';
import { io as ioClient } from 'socket.io-client';
import { startTestServer, waitFor, type LiveClient, type TestServer } from './helpers/server.ts';

const P = suite('proxies');

async function sessionCookie(url: string, headers: Record<string, string>): Promise<string> {
  const res = await fetch(`${url}/api/auth/login`, {
    method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify({ username: 'duty', password: 'demo1234' }),
  });
  assert.is(res.status, 200);
  return res.headers.getSetCookie()[0];
}

P('by default a client cannot claim https: X-Forwarded-Proto is ignored and the session cookie is not Secure', async () => {
  const s = await startTestServer();
  try {
    assert.not.match(await sessionCookie(s.url, { 'x-forwarded-proto': 'https', 'x-forwarded-for': '192.0.2.1' }), /;\s*secure/i);
  } finally { await s.close(); }
});

P('behind a trusted proxy that says https the session cookie is Secure', async () => {
  const s = await startTestServer({ config: { trustedProxies: ['127.0.0.1'] } });
  try {
    assert.match(await sessionCookie(s.url, { 'x-forwarded-proto': 'https' }), /;\s*secure/i);
    assert.not.match(await sessionCookie(s.url, {}), /;\s*secure/i);
  } finally { await s.close(); }
});

P('a Socket.IO handshake gets the same answer as HTTP', async () => {
  for (const [trustedProxies, expected] of [[[], '127.0.0.1'], [['loopback'], '203.0.113.5']] as const) {
    const s = await startTestServer({ config: { trustedProxies: [...trustedProxies] } });
    try {
      const seen: string[] = [];
      s.app.io.use((socket, next) => { seen.push(clientAddress(socket.request, s.app.deps.config)); next(); });
      const cookie = await s.login('duty');
      // socket.io-client in Node sends extraHeaders on the WebSocket upgrade.
      const sock: LiveClient = ioClient(s.url, { transports: ['websocket'], reconnection: false, forceNew: true, extraHeaders: { cookie, 'x-forwarded-for': '198.51.100.66, 203.0.113.5' } });
      try {
        await waitFor(sock, 'live:snapshot');
        assert.equal(seen, [expected]);
      } finally { sock.close(); }
    } finally { await s.close(); }
  }
});

P('the per-address socket cap counts the client behind a trusted proxy, and a forged header elsewhere changes nothing', async () => {
  const connects = (s: TestServer, cookie: string, xff: string) => new Promise<string>((resolve) => {
    const sock: LiveClient = ioClient(s.url, { transports: ['websocket'], reconnection: false, forceNew: true, extraHeaders: { cookie, 'x-forwarded-for': xff } });
    sock.on('live:snapshot', () => resolve('connected'));
    sock.on('connect_error', (e) => { resolve(e.message.split(':')[0]); sock.close(); });
    opened.push(sock);
  });
  const opened: LiveClient[] = [];
  for (const [trustedProxies, second] of [[['loopback'], 'connected'], [[], 'rate_limited']] as const) {
    const s = await startTestServer({ config: { trustedProxies: [...trustedProxies], maxSocketsPerAddress: 1 } });
    try {
      const cookie = await s.login('duty');
      assert.is(await connects(s, cookie, '203.0.113.1'), 'connected');
      assert.is(await connects(s, cookie, '203.0.113.2'), second, `trusted: ${trustedProxies.join()}`);
      assert.is(await connects(s, cookie, '203.0.113.1'), 'rate_limited');
    } finally { for (const o of opened.splice(0)) o.close(); await s.close(); }
  }
});

/** A request as node:http hands it over: its peer and its headers. */
function req(remoteAddress: string, headers: Record<string, string> = {}): IncomingMessage {
  return { socket: { remoteAddress }, connection: { remoteAddress }, headers } as unknown as IncomingMessage;
}

P('the client is the first address from the right that is not a trusted proxy; a mapped IPv4 reads as IPv4', () => {
  const none = { trustedProxies: [] };
  const lan = { trustedProxies: ['10.0.0.0/8', 'loopback'] };
  assert.is(clientAddress(req('::ffff:192.0.2.7', { 'x-forwarded-for': '1.1.1.1' }), none), '192.0.2.7');
  assert.is(clientAddress(req('10.0.0.2', { 'x-forwarded-for': '6.6.6.6, 198.51.100.3, 10.1.1.1' }), lan), '198.51.100.3');
  assert.is(clientAddress(req('192.0.2.8', { 'x-forwarded-for': '6.6.6.6' }), lan), '192.0.2.8', 'an untrusted peer\'s header is ignored');
  assert.is(clientProtocol(req('192.0.2.8', { 'x-forwarded-proto': 'https' }), lan), 'http');
  assert.is(clientProtocol(req('::ffff:10.0.0.2', { 'x-forwarded-proto': 'https, http' }), lan), 'https');
  assert.is(clientProtocol(req('10.0.0.2', { 'x-forwarded-proto': 'gopher' }), lan), 'http');
  assert.is(addressKey('::ffff:192.0.2.7'), '192.0.2.7');
  assert.is(addressKey('2001:db8:aa:bb:1:2:3:4'), '2001:db8:aa:bb::/64');
});

P('TRUSTED_PROXIES is validated: addresses, CIDR ranges and loopback / linklocal / uniquelocal; anything else stops the start', () => {
  assert.equal(loadConfig({}).trustedProxies, []);
  assert.equal(loadConfig({ TRUSTED_PROXIES: 'loopback, 10.0.0.0/8,fd00::1' }).trustedProxies, ['loopback', '10.0.0.0/8', 'fd00::1']);
  assert.throws(() => loadConfig({ TRUSTED_PROXIES: 'loopback,proxy.local' }), /TRUSTED_PROXIES="loopback,proxy.local": "proxy.local" is not an IP address/);
  assert.throws(() => loadConfig({ TRUSTED_PROXIES: '10.0.0.0/33' }), /TRUSTED_PROXIES/);
});

P.run();
