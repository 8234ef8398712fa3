// Open311 test helpers: XML parsed with a real XML parser (fast-xml-parser, order kept) into a small tree, and the
// element paths the spec's examples use (http://wiki.open311.org/GeoReport_v2, Service_Discovery), to check against.
import { XMLParser, XMLValidator } from 'fast-xml-parser';

export interface El { name: string; text: string; children: El[] }

/** Parses XML (after validating it) into elements in document order. */
export function parseXml(xml: string): El {
  const valid = XMLValidator.validate(xml);
  if (valid !== true) throw new Error(`invalid XML: ${JSON.stringify(valid)}`);
  const parser = new XMLParser({ preserveOrder: true, ignoreAttributes: true, parseTagValue: false, trimValues: true, ignoreDeclaration: true });
  const nodes = parser.parse(xml) as Array<Record<string, unknown>>;
  const toEl = (node: Record<string, unknown>): El | null => {
    const name = Object.keys(node).find((k) => k !== ':@');
    if (!name || name === '#text') return null;
    const kids = (node[name] as Array<Record<string, unknown>>) ?? [];
    const text = kids.filter((k) => '#text' in k).map((k) => String(k['#text'])).join('');
    return { name, text, children: kids.map(toEl).filter((x): x is El => !!x) };
  };
  const roots = nodes.map(toEl).filter((x): x is El => !!x);
  if (roots.length !== 1) throw new Error(`expected one root element, got ${roots.map((r) => r.name).join(', ')}`);
  return roots[0];
}

export const child = (el: El, name: string) => el.children.find((c) => c.name === name);
export const childText = (el: El, name: string) => child(el, name)?.text;
export const kids = (el: El, name: string) => el.children.filter((c) => c.name === name);

/** Every element path in a document ("services/service/service_code"). */
export function paths(el: El, prefix = ''): Set<string> {
  const here = prefix ? `${prefix}/${el.name}` : el.name;
  const out = new Set([here]);
  for (const c of el.children) for (const p of paths(c, here)) out.add(p);
  return out;
}

const expand = (root: string, tree: Record<string, unknown>): string[] => Object.entries(tree).flatMap(([k, v]) => {
  const p = `${root}/${k}`;
  return v && typeof v === 'object' ? [p, ...expand(p, v as Record<string, unknown>)] : [p];
});
const spec = (root: string, tree: Record<string, unknown>) => new Set([root, ...expand(root, tree)]);

/** The element names and nesting of the spec's examples, per document. */
export const SPEC = {
  discovery: spec('discovery', { changeset: 1, contact: 1, key_service: 1, endpoints: { endpoint: { specification: 1, url: 1, changeset: 1, type: 1, formats: { format: 1 } } } }),
  services: spec('services', { service: { service_code: 1, service_name: 1, description: 1, metadata: 1, type: 1, keywords: 1, group: 1 } }),
  service_definition: spec('service_definition', { service_code: 1, attributes: { attribute: { variable: 1, code: 1, datatype: 1, required: 1, datatype_description: 1, order: 1, description: 1, values: { value: { key: 1, name: 1 } } } } }),
  created: spec('service_requests', { request: { service_request_id: 1, token: 1, service_notice: 1, account_id: 1 } }),
  token: spec('service_requests', { request: { service_request_id: 1, token: 1 } }),
  requests: spec('service_requests', { request: {
    service_request_id: 1, status: 1, status_notes: 1, service_name: 1, service_code: 1, description: 1, agency_responsible: 1, service_notice: 1,
    requested_datetime: 1, updated_datetime: 1, expected_datetime: 1, address: 1, address_id: 1, zipcode: 1, lat: 1, long: 1, media_url: 1,
  } }),
  errors: spec('errors', { error: { code: 1, description: 1 } }),
};
/** The order of a request's elements in the spec's example. */
export const REQUEST_ORDER = ['service_request_id', 'status', 'status_notes', 'service_name', 'service_code', 'description', 'agency_responsible', 'service_notice',
  'requested_datetime', 'updated_datetime', 'expected_datetime', 'address', 'address_id', 'zipcode', 'lat', 'long', 'media_url'];

/** Paths in `doc` that the spec's example for it does not have (should be empty). */
export function foreign(doc: El, allowed: Set<string>): string[] {
  return [...paths(doc)].filter((p) => !allowed.has(p));
}

/** Are these names in the spec's relative order? */
export function inSpecOrder(names: string[], order: string[]): boolean {
  const idx = names.map((n) => order.indexOf(n));
  return idx.every((i) => i >= 0) && idx.every((v, i) => i === 0 || v > idx[i - 1]);
}
