// Dispatch suite helpers: responders on duty at a place (with a live socket), polling, collecting live changes.
import * as assert from 'uvu/assert';
import type { Change } from '../../shared/events.ts';
import { waitFor, type LiveClient, type TestServer } from './server.ts';

export interface OnDuty { username: string; cookie: string; responderId: string; sock: LiveClient; changes: Change[] }

/** Signs a responder in, puts them on duty and reports one position, as the phone page does. */
export async function onDutyAt(s: TestServer, username: string, at: { lat: number; lng: number }): Promise<OnDuty> {
  const cookie = await s.login(username);
  const duty = await s.api('POST', '/api/duty', { cookie, body: { onDuty: true } });
  assert.is(duty.status, 200, JSON.stringify(duty.body));
  const sock = s.socket({ cookie });
  const changes = collect(sock);
  await waitFor(sock, 'live:snapshot');
  const ack = await sock.timeout(3000).emitWithAck('location:report', { ...at, accuracy: 5, at: new Date().toISOString() });
  assert.ok(ack.ok, JSON.stringify(ack));
  return { username, cookie, responderId: duty.body.id, sock, changes };
}

/** Every live change a socket receives, in order. */
export function collect(sock: LiveClient): Change[] {
  const out: Change[] = [];
  sock.on('live:delta', (b) => out.push(...b.changes));
  return out;
}

/**
 * Polls `fn` until it returns a truthy value (returned), or fails after `ms`; a rejection counts as "not yet" (a
 * server still starting). `detail` adds what helps on failure (a child process's stderr).
 */
export async function until<T>(fn: () => Promise<T> | T, ms = 5000, what = 'condition', detail: () => string = () => ''): Promise<NonNullable<T>> {
  const end = Date.now() + ms;
  let last: T | undefined;
  while (Date.now() < end) {
    last = await Promise.resolve().then(fn).catch(() => undefined);
    if (last) return last as NonNullable<T>;
    await new Promise((r) => setTimeout(r, 50));
  }
  const more = detail();
  throw new Error(`timed out waiting for ${what} (last: ${JSON.stringify(last)})${more ? `\n${more}` : ''}`);
}

/** A point `m` metres north-east of `p` (roughly), for placing people near a ticket. */
export function offset(p: { lat: number; lng: number }, mNorth: number, mEast = 0): { lat: number; lng: number } {
  return { lat: p.lat + mNorth / 111_320, lng: p.lng + mEast / (111_320 * Math.cos((p.lat * Math.PI) / 180)) };
}

/** A browser context already signed in as `username` (the session cookie set directly, as after a login). */
export async function signedInContext(browser: import('playwright-core').Browser, s: TestServer, username: string,
  opts: import('playwright-core').BrowserContextOptions = {}): Promise<import('playwright-core').BrowserContext> {
  const ctx = await browser.newContext(opts);
  const cookie = await s.login(username);
  const [name, value] = cookie.split(';')[0].split('=');
  await ctx.addCookies([{ name, value, url: s.url }]);
  return ctx;
}

/** Phone-sized context: 390×844, touch, and the phone's GPS at `at` with permission granted. */
export function phoneOptions(at: { lat: number; lng: number }): import('playwright-core').BrowserContextOptions {
  return { viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true, geolocation: { latitude: at.lat, longitude: at.lng, accuracy: 8 }, permissions: ['geolocation'], locale: 'zh-CN' };
}
