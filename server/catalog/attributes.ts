// Answers to a category's extra questions (Open311 attribute[code], the report form's questions), checked against
// the category's definitions: required ones present, numbers numeric, list answers among the listed keys.
import { AppError } from '../../shared/errors.ts';
import type { PublicAttribute } from '../../shared/residents.ts';

const field = (code: string) => `attribute[${code}]`;
const bad = (code: string, why: string) => new AppError('bad_request', `${field(code)}: ${why}`, field(code));

/** Checked and normalised answers (numbers as numbers, multi-choice as arrays), keyed by attribute code. */
export function checkAttributes(defs: PublicAttribute[], given: Record<string, unknown> | undefined): Record<string, string | number | string[]> {
  const input = given ?? {};
  const known = new Map(defs.filter((d) => d.variable).map((d) => [d.code, d]));
  for (const code of Object.keys(input)) if (!known.has(code)) throw bad(code, 'this service has no such attribute');
  const out: Record<string, string | number | string[]> = {};
  for (const d of known.values()) {
    const raw = input[d.code];
    const empty = raw === undefined || raw === null || raw === '' || (Array.isArray(raw) && raw.length === 0);
    if (empty) {
      if (d.required) throw bad(d.code, `required (${d.description.en})`);
      continue;
    }
    const keys = new Set(d.choices.map((c) => c.key));
    switch (d.datatype) {
      case 'number': {
        const n = typeof raw === 'number' ? raw : typeof raw === 'string' && /^-?\d+(\.\d+)?$/.test(raw.trim()) ? Number(raw) : NaN;
        if (!Number.isFinite(n)) throw bad(d.code, 'must be a number');
        out[d.code] = n;
        break;
      }
      case 'datetime': {
        if (typeof raw !== 'string' || Number.isNaN(Date.parse(raw)) || !/^\d{4}-\d{2}-\d{2}/.test(raw)) throw bad(d.code, 'must be an ISO 8601 date and time');
        out[d.code] = new Date(raw).toISOString();
        break;
      }
      case 'string':
      case 'text': {
        if (typeof raw !== 'string') throw bad(d.code, 'must be text');
        const s = raw.trim();
        if (s.length > (d.datatype === 'string' ? 200 : 2000)) throw bad(d.code, 'is too long');
        if (d.datatype === 'string' && /[\r\n]/.test(s)) throw bad(d.code, 'must be one line');
        out[d.code] = s;
        break;
      }
      case 'singlevaluelist': {
        if (typeof raw !== 'string' || !keys.has(raw)) throw bad(d.code, `must be one of ${[...keys].join(', ')}`);
        out[d.code] = raw;
        break;
      }
      case 'multivaluelist': {
        const list = Array.isArray(raw) ? raw : [raw];
        if (!list.every((v) => typeof v === 'string' && keys.has(v))) throw bad(d.code, `must be among ${[...keys].join(', ')}`);
        out[d.code] = [...new Set(list as string[])];
        break;
      }
    }
  }
  return out;
}

/** "电梯停在几楼？6；有人被困在电梯里吗？有人被困": the answers appended to a ticket's description for the office. */
export function describeAnswers(defs: PublicAttribute[], answers: Record<string, string | number | string[]>): string {
  return defs.filter((d) => answers[d.code] !== undefined).map((d) => {
    const v = answers[d.code];
    const label = (k: string) => d.choices.find((c) => c.key === k)?.zh ?? k;
    const text = Array.isArray(v) ? v.map(label).join('、') : typeof v === 'string' && d.choices.length ? label(v) : String(v);
    return `${d.description.zh}${text}`;
  }).join('；');
}
