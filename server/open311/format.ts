// One document, two formats, as the spec's "Spark convention" maps them: a tree of named fields and lists becomes XML
// with xmlbuilder2 (repeated child elements, empty elements for nothing) or JSON (arrays, null). The spec's errors
// element is built the same way, for every failure under /open311/, in the format the path asked for.
import type { Context, Next } from 'koa';
import type { Logger } from 'pino';
import { create } from 'xmlbuilder2';
import { AppError } from '../../shared/errors.ts';
import { OPEN311_BASE, OPEN311_FORMATS, type Open311Format } from '../../shared/open311.ts';
import { toAppError } from '../http/errors.ts';

/** A repeated element: `<item>` children in XML, a JSON array. */
export class List { constructor(readonly item: string, readonly items: Value[]) {} }
export type Value = string | number | boolean | null | undefined | Fields | List;
/** Named children in document order; `undefined` leaves the element out, `null` makes it empty. */
export interface Fields { [name: string]: Value }

export const list = (item: string, items: Value[]) => new List(item, items);

/** Characters XML 1.0 cannot carry at all (controls other than tab and newlines): dropped rather than failing. */
const NOT_XML = /[^\u0009\u000A\u000D\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu;

type XmlNode = ReturnType<ReturnType<typeof create>['ele']>;

function toXml(parent: XmlNode, name: string, v: Value): void {
  if (v === undefined) return;
  if (v instanceof List) {
    const el = parent.ele(name);
    for (const item of v.items) toXml(el, v.item, item);
    return;
  }
  const el = parent.ele(name);
  if (v === null) return;
  if (typeof v === 'object') { for (const [k, child] of Object.entries(v)) toXml(el, k, child); return; }
  const text = String(v).replace(NOT_XML, '');
  if (text !== '') el.txt(text);
}

function toJson(v: Value): unknown {
  if (v === undefined || v === null) return null;
  if (v instanceof List) return v.items.map(toJson);
  if (typeof v === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, child] of Object.entries(v)) if (child !== undefined) out[k] = toJson(child);
    return out;
  }
  return v;
}

/**
 * `root` names the XML root; a List body becomes `<root><item/>…</root>` in XML and a bare array in JSON
 * (services, service_requests, errors), a Fields body an object (service_definition, discovery).
 */
export function render(format: Open311Format, root: string, body: Fields | List): string {
  if (format === 'json') return JSON.stringify(toJson(body));
  const doc = create({ version: '1.0', encoding: 'utf-8' });
  const el = doc.ele(root);
  if (body instanceof List) for (const item of body.items) toXml(el, body.item, item);
  else for (const [k, child] of Object.entries(body)) toXml(el, k, child);
  return doc.end({ prettyPrint: true });
}

/** The format a path asks for: `.json`, `.xml`, or nothing (XML, the spec's required format). */
export function formatOf(param: string | undefined): Open311Format {
  if (param === undefined || param === 'xml') return 'xml';
  if (param === 'json') return 'json';
  throw new AppError('bad_request', `unknown format ".${param.slice(0, 20)}": use .xml or .json`);
}

export function send(ctx: Context, format: Open311Format, root: string, body: Fields | List, status = 200): void {
  ctx.status = status;
  ctx.type = OPEN311_FORMATS[format];
  ctx.body = render(format, root, body);
}

/**
 * The spec's HTTP codes: 404 for what does not exist, 403 for a missing or wrong api_key, 400 for anything else a
 * client got wrong. Limits keep their 429 (with Retry-After) and the server's own trouble its 5xx.
 */
function specStatus(err: AppError): number {
  switch (err.code) {
    case 'not_found': return 404;
    case 'unauthorized': case 'forbidden': return 403;
    case 'rate_limited': return 429;
    case 'internal': return 500;
    case 'unavailable': return 503;
    default: return 400;
  }
}

/** Wraps everything under /open311/: failures (and paths that match nothing) answer with the spec's errors element. */
export function open311Errors(log: Logger) {
  return async (ctx: Context, next: Next) => {
    if (!ctx.path.startsWith(`${OPEN311_BASE}/`) && ctx.path !== OPEN311_BASE) return next();
    const format: Open311Format = /\.json$/i.test(ctx.path) ? 'json' : 'xml';
    try {
      await next();
      if (ctx.status === 405) throw new AppError('bad_request', `${ctx.method} is not allowed here (allowed: ${ctx.response.get('Allow') || 'none'})`);
      if (ctx.status === 404 && ctx.body == null) throw new AppError('not_found', `no such Open311 resource: ${ctx.method} ${ctx.path}`);
    } catch (raw) {
      const err = toAppError(raw, log, { method: ctx.method, path: ctx.path });
      const status = specStatus(err);
      if (err.code === 'rate_limited' || err.code === 'unavailable') ctx.set('Retry-After', String(Math.max(1, Math.ceil((err as AppError & { retryAfterS?: number }).retryAfterS ?? 2))));
      send(ctx, format, 'errors', list('error', [{ code: status, description: err.message }]), status);
    }
  };
}
