// Same-origin checks for the socket handshake and for REST writes: a page of another site must not act with the
// user's cookie.
import type { IncomingMessage } from 'node:http';
import type { Config } from '../config.ts';

/** An Origin header that is this server's own, the public URL's, or one of ALLOWED_ORIGINS. */
export function originAllowed(req: IncomingMessage, config: Pick<Config, 'allowedOrigins' | 'publicUrl'>): boolean {
  const origin = req.headers.origin;
  if (!origin) return true;
  if (config.allowedOrigins.includes(origin)) return true;
  try {
    const o = new URL(origin);
    if (config.publicUrl && new URL(config.publicUrl).origin === o.origin) return true;
    return o.host === req.headers.host;
  } catch {
    return false; // "null" (sandboxed frames, files) and garbage
  }
}

/**
 * A state-changing request from this site. Browsers send Origin on every POST and Sec-Fetch-Site on every request;
 * either naming another site refuses it. Clients that send neither are not browsers and carry no ambient cookie.
 */
export function sameOriginRequest(req: IncomingMessage, config: Pick<Config, 'allowedOrigins' | 'publicUrl'>): boolean {
  if (req.headers.origin) return originAllowed(req, config);
  const site = req.headers['sec-fetch-site'];
  return site === undefined || site === 'same-origin' || site === 'none';
}
