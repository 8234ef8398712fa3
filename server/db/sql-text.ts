// The reports' aggregate lists (one expression per counter and dimension, built from the shared rules) are hundreds
// of postgres.js fragments, and postgres.js builds and stringifies every one of them each time a query runs: a rollup
// batch is ~2,500 fragments, 30–75 ms of the event loop that every position and delta waited behind, every two
// seconds, and a young generation's worth of objects held across the statement and promoted. Those lists are
// constant — no parameters, only the code's own constants — so they are rendered to text once and sent as one
// `unsafe` fragment. The text is exactly what postgres.js would have sent (test/sql-text.test.ts compares it with
// postgres.js's own rendering); a fragment that carries a parameter is refused, so a value is never inlined.
import type postgres from 'postgres';

type Fragment = postgres.PendingQuery<postgres.Row[]>;
/** What this relies on of postgres.js 3 (src/types.js stringify): a fragment's template strings and arguments. */
interface Tagged { strings: readonly string[]; args: readonly unknown[] }

const isTagged = (v: unknown): v is Tagged =>
  typeof v === 'object' && v !== null && Array.isArray((v as Tagged).strings) && Array.isArray((v as Tagged).args);

function value(v: unknown): string {
  if (isTagged(v)) return render(v);
  // sql('a.b'): an escaped identifier.
  if (typeof v === 'object' && v !== null && v.constructor?.name === 'Identifier' && typeof (v as { value?: unknown }).value === 'string') {
    return (v as { value: string }).value;
  }
  // An array of fragments is joined as postgres.js joins it (each preceded by a space).
  if (Array.isArray(v) && v.length > 0 && v.every(isTagged)) return v.reduce((acc: string, x) => `${acc} ${render(x)}`, '');
  throw new Error('sqlText: the fragment carries a parameter; only constant SQL can be rendered to text');
}

function render(q: Tagged): string {
  let s = q.strings[0];
  for (let i = 1; i < q.strings.length; i++) s += value(q.args[i - 1]) + q.strings[i];
  return s;
}

/** The SQL text of a fragment without parameters (identifiers, `unsafe` literals and nested fragments only). */
export function sqlText(fragment: Fragment): string {
  if (!isTagged(fragment)) throw new Error('sqlText: not a postgres.js fragment');
  return render(fragment);
}

// A memo of text derived from code constants only: the same in every instance, never state.
const memo = new Map<string, string>();

/** `build()`'s text, built the first time `key` is asked for. The key must name everything `build` depends on. */
export function constantSql(key: string, build: () => Fragment): string {
  let text = memo.get(key);
  if (text === undefined) memo.set(key, (text = sqlText(build())));
  return text;
}
