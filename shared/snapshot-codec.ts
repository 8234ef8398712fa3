// The wire form of a snapshot: its big lists (10,000 responders, thousands of tickets, 1,500 grid outlines) packed
// column by column, because a city-scale wall downloads and parses them on every (re)connect. The rest goes as is.
//
// A packed table is { n, cols }: one entry per field, absent when every row holds null, else one of
//   { c: value }            every row holds this value
//   { v: [...] }            one value per row
//   { d: [...], i: [...] }  a dictionary of distinct values and one index per row (names, statuses, categories …)
//   { s: [...], v: [...] }  sparse: the rows (ascending) that are not null, and their values
//   { dv: [...] }           numbers as differences from the row before (ascending ids)
// before which some fields are turned into smaller numbers: times (ISO strings) into ms after `base`; numeric ids into
// differences; coordinates into integers of 1e-7° (about a centimetre, as positions already travel) after the column's
// `o`; polygon rings into such integers, each vertex as the difference from the one before. Decoding gives back what
// was encoded, coordinates rounded to 1e-7°.
import type { GridView, ResponderView, TicketView } from './api.ts';
import type { Snapshot } from './events.ts';

export type PackedColumn =
  | { c: unknown }
  | { v: unknown[] }
  | { d: unknown[]; i: number[] }
  | { s: number[]; v: unknown[] }
  | { dv: number[] };

export interface PackedTable<T> {
  n: number;
  /** Epoch ms that time columns count from. */
  base: number;
  /** Per coordinate column, the integer (1e-7°) its values count from. */
  o: { [K in keyof T]?: number };
  cols: { [K in keyof T]?: PackedColumn };
}

export type PackedSnapshot = Omit<Snapshot, 'tickets' | 'responders' | 'grids'> & {
  tickets: PackedTable<TicketView>;
  responders: PackedTable<ResponderView>;
  grids: PackedTable<GridView>;
};

type Kind = 'value' | 'id' | 'time' | 'coord' | 'polygon';
/** Every field of a view with how it is packed; the `satisfies` below makes a new field without an entry a type error. */
type Fields<T> = { [K in keyof T]-?: Kind };

const TICKET_FIELDS = {
  id: 'id', streetOfficeId: 'value', communityId: 'value', communityName: 'value', gridId: 'value', gridName: 'value',
  category: 'value', channel: 'value', urgency: 'value', status: 'value', description: 'value', lat: 'coord', lng: 'coord',
  address: 'value', reporterName: 'value', reporterPhoneMasked: 'value', reportedAt: 'time', dispatchedAt: 'time',
  acceptedAt: 'time', respondedAt: 'time', resolvedAt: 'time', closedAt: 'time', escalatedAt: 'time', rejectedAt: 'time',
  reopenedAt: 'time', responseTargetS: 'value', resolutionTargetS: 'value', assigneeId: 'value', assigneeName: 'value',
  offer: 'value', department: 'value', escalationDueAt: 'time', departmentAcceptedAt: 'time', duplicateOf: 'value',
  rating: 'value', reopenCount: 'value', photoCount: 'value', version: 'value',
} as const satisfies Fields<TicketView>;

const RESPONDER_FIELDS = {
  id: 'id', name: 'value', kind: 'value', skills: 'value', team: 'value', homeGridIds: 'value', dutyStatus: 'value',
  lat: 'coord', lng: 'coord', positionAt: 'time', activeTickets: 'value',
} as const satisfies Fields<ResponderView>;

const GRID_FIELDS = {
  id: 'id', code: 'value', name: 'value', communityId: 'value', communityName: 'value', polygon: 'polygon',
  labelLat: 'coord', labelLng: 'coord', leaderName: 'value',
} as const satisfies Fields<GridView>;

/** Dictionary-code a column when its distinct values are at most this share of its rows. */
const DICT_SHARE = 0.5;
const COORD = 1e7;
const CANONICAL_ID = /^(0|[1-9]\d{0,14})$/;

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
  // Strings (and null) are their own dictionary keys, arrays (skills, home grids) are keyed by their JSON; numbers
  // are rarely repeated enough to gain, and objects (an open offer) are left as they are.
  const keys = new Map<unknown, number>();
  const d: unknown[] = [], idx: number[] = [];
  let keyable = true;
  for (const x of values) {
    if (typeof x === 'number' || (x !== null && typeof x === 'object' && !Array.isArray(x))) { keyable = false; break; }
    const k = Array.isArray(x) ? '\u0000' + JSON.stringify(x) : x;
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

/** Rings of [lng, lat] as integers of 1e-7°, each vertex after the first as the difference from the one before. */
function packPolygon(rings: number[][][]): number[][] {
  return rings.map((ring) => {
    const out: number[] = [];
    let lng = 0, lat = 0;
    for (const [x, y] of ring) {
      const X = Math.round(x * COORD), Y = Math.round(y * COORD);
      out.push(X - lng, Y - lat);
      lng = X;
      lat = Y;
    }
    return out;
  });
}

function unpackPolygon(rings: number[][]): number[][][] {
  return rings.map((flat) => {
    const ring: number[][] = [];
    let lng = 0, lat = 0;
    for (let i = 0; i < flat.length; i += 2) {
      lng += flat[i];
      lat += flat[i + 1];
      ring.push([lng / COORD, lat / COORD]);
    }
    return ring;
  });
}

function packTable<T extends object>(rows: readonly T[], fields: Fields<T>, base: number): PackedTable<T> {
  const cols: PackedTable<T>['cols'] = {};
  const o: PackedTable<T>['o'] = {};
  for (const key of Object.keys(fields) as (keyof T & string)[]) {
    const kind = fields[key];
    const values = new Array<unknown>(rows.length);
    for (let i = 0; i < rows.length; i++) values[i] = rows[i][key];
    if (kind === 'id' && values.length > 0 && values.every((x) => typeof x === 'string' && CANONICAL_ID.test(x))) {
      // Numeric ids (all of them, in practice) as numbers; listed in ascending order, as small differences.
      const dv = values.map(Number);
      for (let i = dv.length - 1; i > 0; i--) dv[i] -= dv[i - 1];
      cols[key] = { dv };
      continue;
    }
    if (kind === 'time') {
      for (let i = 0; i < values.length; i++) if (values[i] !== null) values[i] = Date.parse(values[i] as string) - base;
    } else if (kind === 'coord') {
      let min = Infinity;
      for (let i = 0; i < values.length; i++) if (values[i] !== null) min = Math.min(min, (values[i] = Math.round((values[i] as number) * COORD)) as number);
      if (min !== Infinity) for (let i = 0; i < values.length; i++) if (values[i] !== null) (values[i] as number) -= min;
      o[key] = min === Infinity ? 0 : min;
    } else if (kind === 'polygon') {
      for (let i = 0; i < values.length; i++) if (values[i] !== null) values[i] = packPolygon(values[i] as number[][][]);
    }
    const col = packColumn(values);
    if (col) cols[key] = col;
  }
  return { n: rows.length, base, o, cols };
}

const DAY_MS = 86_400_000;
const PAD2 = Array.from({ length: 60 }, (_, i) => String(i).padStart(2, '0'));
const PAD3 = Array.from({ length: 1000 }, (_, i) => String(i).padStart(3, '0'));
const dayPrefix = new Map<number, string>();

/**
 * Same as new Date(ms).toISOString(), several times faster: a wall decodes 20,000 times, and toISOString costs about a
 * microsecond and a half each. The date part comes from toISOString once per day.
 */
export function isoTime(ms: number): string {
  const day = Math.floor(ms / DAY_MS);
  let prefix = dayPrefix.get(day);
  if (prefix === undefined) dayPrefix.set(day, (prefix = new Date(day * DAY_MS).toISOString().slice(0, -13)));
  let r = ms - day * DAY_MS;
  const h = Math.floor(r / 3_600_000);
  r -= h * 3_600_000;
  const m = Math.floor(r / 60_000);
  r -= m * 60_000;
  const sec = Math.floor(r / 1000);
  return `${prefix}${PAD2[h]}:${PAD2[m]}:${PAD2[sec]}.${PAD3[r - sec * 1000]}Z`;
}

/** A fresh copy of dictionary entries that are arrays, so no two rows share one (views are plain data to their users). */
const own = (x: unknown) => (Array.isArray(x) ? [...x] : x);

function unpackTable<T>(t: PackedTable<T>, fields: Fields<T>): T[] {
  const keys = Object.keys(fields) as (keyof T & string)[];
  // Every row starts as a copy of one all-null object: same shape for all, and absent columns are done already.
  const blank = Object.fromEntries(keys.map((k) => [k, null]));
  const rows = new Array<Record<string, unknown>>(t.n);
  for (let i = 0; i < t.n; i++) rows[i] = { ...blank };
  for (const key of keys) {
    const col = t.cols[key];
    if (!col) continue;
    // Loops without a call per value: this runs once per page load, mostly before the JIT has warmed up.
    const kind = fields[key], off = t.o[key] ?? 0;
    const at = (x: unknown): unknown => x === null ? null
      : kind === 'time' ? isoTime(t.base + (x as number))
      : kind === 'coord' ? (off + (x as number)) / COORD
      : kind === 'polygon' ? unpackPolygon(x as number[][]) : x;
    const plain = kind === 'value';
    if ('dv' in col) {
      let id = 0;
      for (let i = 0; i < t.n; i++) rows[i][key] = String((id += col.dv[i]));
    } else if ('c' in col) {
      const c = at(col.c);
      if (Array.isArray(c)) for (let i = 0; i < t.n; i++) rows[i][key] = plain ? [...c] : at(col.c);
      else for (let i = 0; i < t.n; i++) rows[i][key] = c;
    } else if ('d' in col) {
      const d = col.d.map(at), idx = col.i;
      if (d.some(Array.isArray)) for (let i = 0; i < t.n; i++) rows[i][key] = plain ? own(d[idx[i]]) : at(col.d[idx[i]]);
      else for (let i = 0; i < t.n; i++) rows[i][key] = d[idx[i]];
    } else {
      const v = plain ? col.v : col.v.map(at);
      if ('s' in col) for (let k = 0; k < col.s.length; k++) rows[col.s[k]][key] = v[k];
      else for (let i = 0; i < t.n; i++) rows[i][key] = v[i];
    }
  }
  return rows as T[];
}

/** Server side: the snapshot as it goes on the wire. */
export function encodeSnapshot(s: Snapshot): PackedSnapshot {
  const base = Date.parse(s.serverTime);
  return {
    ...s,
    tickets: packTable(s.tickets, TICKET_FIELDS, base),
    responders: packTable(s.responders, RESPONDER_FIELDS, base),
    grids: packTable(s.grids, GRID_FIELDS, base),
  };
}

/** Client side (and tests): the snapshot as the server built it. */
export function decodeSnapshot(p: PackedSnapshot): Snapshot {
  return {
    ...p,
    tickets: unpackTable(p.tickets, TICKET_FIELDS),
    responders: unpackTable(p.responders, RESPONDER_FIELDS),
    grids: unpackTable(p.grids, GRID_FIELDS),
  };
}
