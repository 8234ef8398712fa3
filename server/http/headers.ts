// Security headers on every answer (helmet, through koa-helmet): a CSP with no inline script, no framing, no
// referrer (the wall link carries its token in the URL), nosniff, and a Permissions-Policy that lets only the app
// itself ask for the phone's location and camera. HSTS only where TLS is known to be in front.
import type { Context, Next } from 'koa';
import helmet from 'koa-helmet';
import type { Config } from '../config.ts';

const HSTS_MAX_AGE_S = 180 * 86400;
export const PERMISSIONS_POLICY = 'geolocation=(self), camera=(self), microphone=(), payment=(), usb=(), interest-cohort=()';

/** The origin of the configured tile server, which the map may load images from. */
export function tileOrigin(tileUrl: string | null): string | null {
  if (!tileUrl) return null;
  try { return new URL(tileUrl.replace(/\{[a-z]+\}/g, '0')).origin; } catch { return null; }
}

export function securityHeaders(config: Pick<Config, 'tileUrl' | 'publicUrl'>) {
  const tiles = tileOrigin(config.tileUrl);
  const behindTls = config.publicUrl?.startsWith('https://') ?? false;
  const mw = helmet({
    contentSecurityPolicy: {
      useDefaults: false,
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        // Svelte and Leaflet set style attributes on elements; style sheets come only from this origin.
        styleSrcElem: ["'self'"],
        styleSrcAttr: ["'unsafe-inline'"],
        imgSrc: ["'self'", 'data:', 'blob:', ...(tiles ? [tiles] : [])],
        // Vite inlines the smallest font subsets as data: URIs.
        fontSrc: ["'self'", 'data:'],
        connectSrc: ["'self'"],
        workerSrc: ["'self'"],
        manifestSrc: ["'self'"],
        objectSrc: ["'none'"],
        baseUri: ["'self'"],
        formAction: ["'self'"],
        frameAncestors: ["'none'"],
        ...(behindTls ? { upgradeInsecureRequests: [] } : {}),
      },
    },
    // Tiles come from another origin without CORP headers; embedding isolation would block them.
    crossOriginEmbedderPolicy: false,
    referrerPolicy: { policy: 'no-referrer' },
    strictTransportSecurity: false,
    frameguard: { action: 'deny' },
  });
  return async (ctx: Context, next: Next) => {
    ctx.set('Permissions-Policy', PERMISSIONS_POLICY);
    if (ctx.secure || behindTls) ctx.set('Strict-Transport-Security', `max-age=${HSTS_MAX_AGE_S}; includeSubDomains`);
    await mw(ctx, next);
  };
}
