// Who is calling: the client's address and scheme, believing X-Forwarded-For / -Proto only from TRUSTED_PROXIES.
import type { IncomingMessage } from 'node:http';
import type { TLSSocket } from 'node:tls';
import type { Context, Next } from 'koa';
import proxyaddr from 'proxy-addr';
import ipaddr from 'ipaddr.js';
import type { Config } from '../config.ts';

type Trust = (addr: string, i: number) => boolean;
// A memo of the compiled list per config (configs are built once; tests build many with different lists).
const compiled = new WeakMap<string[], Trust>();

function trustOf(config: Pick<Config, 'trustedProxies'>): Trust {
  let trust = compiled.get(config.trustedProxies);
  if (!trust) compiled.set(config.trustedProxies, (trust = proxyaddr.compile(config.trustedProxies)));
  return trust;
}

/** IPv4-mapped IPv6 (`::ffff:1.2.3.4`, what a dual-stack listener reports) as plain IPv4, so one client has one address. */
function normalise(addr: string): string {
  return ipaddr.isValid(addr) ? ipaddr.process(addr).toString() : addr;
}

/**
 * The address of the client behind a request (an HTTP request or a Socket.IO handshake's `socket.request`): the
 * connection's peer, or, walking X-Forwarded-For from the right, the first hop that is not a trusted proxy.
 * With TRUSTED_PROXIES empty no header counts, so nobody can claim another address by sending one.
 */
export function clientAddress(req: IncomingMessage, config: Pick<Config, 'trustedProxies'>): string {
  return normalise(proxyaddr(req, trustOf(config)));
}

/** `https` on a TLS socket, or when a trusted proxy says so in X-Forwarded-Proto; `http` otherwise. */
export function clientProtocol(req: IncomingMessage, config: Pick<Config, 'trustedProxies'>): 'http' | 'https' {
  if ((req.socket as TLSSocket).encrypted) return 'https';
  const peer = req.socket.remoteAddress;
  if (!peer || !trustOf(config)(peer, 0)) return 'http';
  const header = req.headers['x-forwarded-proto'];
  const first = (Array.isArray(header) ? header[0] : header)?.split(',')[0].trim().toLowerCase();
  return first === 'https' ? 'https' : 'http';
}

/**
 * The key a per-address limit counts under: an IPv4 address, or an IPv6 address's /64 (one subscriber's prefix:
 * a phone or home router gets a whole /64, so counting single IPv6 addresses would give an attacker 2^64 tries).
 */
export function addressKey(address: string): string {
  if (!ipaddr.isValid(address)) return address;
  const a = ipaddr.process(address);
  if (a.kind() === 'ipv4') return a.toString();
  const parts = (a as ipaddr.IPv6).parts.slice(0, 4).map((p) => p.toString(16));
  return `${parts.join(':')}::/64`;
}

/**
 * Koa middleware, first in the chain: `ctx.ip`, `ctx.protocol` and `ctx.secure` (and so the session cookie's Secure
 * flag) follow the rules above. Koa's own `app.proxy` trusts every peer's headers, so it stays off.
 */
export function clientAddressMiddleware(config: Pick<Config, 'trustedProxies'>) {
  return (ctx: Context, next: Next) => {
    ctx.request.ip = clientAddress(ctx.req, config);
    // Koa's protocol is a getter on the shared request prototype; this request gets its own value.
    Object.defineProperty(ctx.request, 'protocol', { value: clientProtocol(ctx.req, config), enumerable: true });
    return next();
  };
}
