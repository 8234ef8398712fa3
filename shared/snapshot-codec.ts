// The wire form of a snapshot: its two big lists (10,000 responders, thousands of tickets) packed column by column,
// because a city-scale wall downloads and parses them on every (re)connect. Everything else travels as is.
//
// A packed table is { n, cols }: one entry per field, absent when every row holds null, else one of
//   { c: value }            every row holds this value
//   { v: [...] }            one value per row
//   { d: [...], i: [...] }  a dictionary of distinct values and one index per row (names, statuses, categories …)
//   { s: [...], v: [...] }  sparse: the rows (ascending) that are not null, and their values
// Times (ISO strings in the views) go as milliseconds after `base`. Decoding gives back exactly what was encoded.
import type { ResponderView, TicketView } from './api.ts';
import type { Snapshot } from './events.ts';

export type PackedColumn =
  | { c: unknown }
  | { v: unknown[] }
  | { d: unknown[]; i: number[] }
  | { s: number[]; v: unknown[] };

export interface PackedTable<T> {
  n: number;
  /** Epoch ms that time columns count from. */
  base: number;
  cols: { [K in keyof T]?: PackedColumn };
}

export type PackedSnapshot = Omit<Snapshot, 'tickets' | 'responders'> & {
  tickets: PackedTable<TicketView>;
  responders: PackedTable<ResponderView>;
};

type Kind = 'value' | 'time';
/** Every field of a view with how it is packed; the `satisfies` below makes a new field without an entry a type error. */
type Fields<T> = { [K in keyof T]-?: Kind };

const TICKET_FIELDS = {
  id: 'value', streetOfficeId: 'value', communityId: 'value', communityName: 'value', gridId: 'value', gridName: 'value',
  category: 'value', channel: 'value', urgency: 'value', status: 'value', description: 'value', lat: 'value', lng: 'value',
  address: 'value', reporterName: 'value', reporterPhoneMasked: 'value', reportedAt: 'time', dispatchedAt: 'time',
  acceptedAt: 'time', respondedAt: 'time', resolvedAt: 'time', closedAt: 'time', escalatedAt: 'time', rejectedAt: 'time',
  reopenedAt: 'time', responseTargetS: 'value', resolutionTargetS: 'value', assigneeId: 'value', assigneeName: 'value',
  offer: 'value', department: 'value', escalationDueAt: 'time', departmentAcceptedAt: 'time', duplicateOf: 'value',
  rating: 'value', reopenCount: 'value', photoCount: 'value', version: 'value',
} as const satisfies Fields<TicketView>;

const RESPONDER_FIELDS = {
  id: 'value', name: 'value', kind: 'value', skills: 'value', team: 'value', homeGridIds: 'value', dutyStatus: 'value',
  lat: 'value', lng: 'value', positionAt: 'time', activeTickets: 'value',
} as const satisfies Fields<ResponderView>;

/** Dictionary-code a column when its distinct values are at most this share of its rows. */
const DICT_SHARE = 0.5;

function packColumn(values: unknown[]): PackedColumn | undefined {
  const n = values.length;
  let nulls = 0;
  for (const x of values) if (x === null) nulls++;
  if (nulls === n) return undefined;
  if (nulls * 2 > n) {
    const s: number[] = [], v: unknown[] = [];
    values.forEach((x, i) => { if (x !== null) { s.push(i); v.push(x); } });
    return { s, v };
  }
  // Strings and arrays (skills, home grids) are keyed by their JSON; numbers are rarely repeated enough to gain.
  const keys = new Map<string, number>();
  const d: unknown[] = [], idx: number[] = [];
  let keyable = true;
  for (const x of values) {
    if (typeof x === 'number' || (x !== null && typeof x === 'object' && !Array.isArray(x))) { keyable = false; break; }
    const k = JSON.stringify(x);
    let at = keys.get(k);
    if (at === undefined) {
      keys.set(k, (at = d.length));
      d.push(x);
      if (d.length > n * DICT_SHARE) { keyable = false; break; }
    }
    idx.push(at);
  }
  if (keyable && d.length === 1) return { c: d[0] };
  if (keyable) return { d, i: idx };
  if (values.every((x) => x === values[0] && typeof x !== 'object')) return { c: values[0] };
  return { v: values };
}

function packTable<T extends object>(rows: readonly T[], fields: Fields<T>, base: number): PackedTable<T> {
  const cols: PackedTable<T>['cols'] = {};
  for (const key of Object.keys(fields) as (keyof T & string)[]) {
    const time = fields[key] === 'time';
    const values = rows.map((r) => {
      const x = r[key] as unknown;
      return time && x !== null ? Date.parse(x as string) - base : x;
    });
    const col = packColumn(values);
    if (col) cols[key] = col;
  }
  return { n: rows.length, base, cols };
}

/** A fresh copy of dictionary entries that are arrays, so no two rows share one (views are plain data to their users). */
const own = (x: unknown) => (Array.isArray(x) ? [...x] : x);

function columnValues(col: PackedColumn | undefined, n: number): unknown[] {
  const out = new Array<unknown>(n);
  if (!col) return out.fill(null);
  if ('c' in col) {
    for (let i = 0; i < n; i++) out[i] = own(col.c);
  } else if ('d' in col) {
    for (let i = 0; i < n; i++) out[i] = own(col.d[col.i[i]]);
  } else if ('s' in col) {
    out.fill(null);
    col.s.forEach((row, k) => { out[row] = col.v[k]; });
  } else {
    for (let i = 0; i < n; i++) out[i] = col.v[i];
  }
  return out;
}

function unpackTable<T>(t: PackedTable<T>, fields: Fields<T>): T[] {
  const keys = Object.keys(fields) as (keyof T & string)[];
  const columns = keys.map((k) => {
    const values = columnValues(t.cols[k], t.n);
    if (fields[k] === 'time') for (let i = 0; i < t.n; i++) if (values[i] !== null) values[i] = new Date(t.base + (values[i] as number)).toISOString();
    return values;
  });
  const rows = new Array<T>(t.n);
  for (let i = 0; i < t.n; i++) {
    const row: Record<string, unknown> = {};
    for (let k = 0; k < keys.length; k++) row[keys[k]] = columns[k][i];
    rows[i] = row as T;
  }
  return rows;
}

/** Server side: the snapshot as it goes on the wire. */
export function encodeSnapshot(s: Snapshot): PackedSnapshot {
  const base = Date.parse(s.serverTime);
  return { ...s, tickets: packTable(s.tickets, TICKET_FIELDS, base), responders: packTable(s.responders, RESPONDER_FIELDS, base) };
}

/** Client side (and tests): the snapshot as the server built it. */
export function decodeSnapshot(p: PackedSnapshot): Snapshot {
  return { ...p, tickets: unpackTable(p.tickets, TICKET_FIELDS), responders: unpackTable(p.responders, RESPONDER_FIELDS) };
}
