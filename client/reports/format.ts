// How the reports pages print figures: the exports' values (shared/reports.ts ratePct, wholeSeconds) with units, so
// that the page and the CSV/XLSX always show the same numbers.
import { FIGURES, type FigureId, type Figures } from '../../shared/metrics.ts';
import { figureValue, ratePct } from '../../shared/reports.ts';
import { i18n } from '../i18n/index.svelte.ts';

export function pct(rate: number | null | undefined): string {
  const v = ratePct(rate ?? null);
  return v == null ? '—' : `${v.toFixed(1)}%`;
}

/** Whole seconds as 4分12秒 / 4m 12s; hours beyond an hour (resolution times). */
export function secs(s: number | null | undefined): string {
  if (s == null) return '—';
  const t = Math.round(s);
  const h = Math.floor(t / 3600), mi = Math.floor((t % 3600) / 60), se = t % 60;
  if (i18n.lang === 'en') return h ? `${h}h ${mi}m` : mi ? `${mi}m ${se}s` : `${se}s`;
  return h ? `${h}小时${mi}分` : mi ? `${mi}分${se}秒` : `${se}秒`;
}

export function figureText(id: FigureId, f: Figures): string {
  const unit = FIGURES[id].unit;
  const v = figureValue(id, f);
  if (v == null) return '—';
  return unit === 'rate' ? `${v.toFixed(1)}%` : unit === 'seconds' ? secs(v) : String(v);
}

/** Change against the previous period: the sign, and whether it is good news. */
export function delta(id: FigureId, cur: Figures, prev: Figures): { text: string; tone: 'good' | 'bad' | 'flat' } | null {
  const a = figureValue(id, cur), b = figureValue(id, prev);
  if (a == null || b == null) return null;
  const d = a - b;
  const def = FIGURES[id];
  if (Math.abs(d) < 1e-9) return { text: '±0', tone: 'flat' };
  const text = def.unit === 'rate' ? `${d > 0 ? '▲' : '▼'}${Math.abs(d).toFixed(1)}` : def.unit === 'seconds' ? `${d > 0 ? '▲' : '▼'}${secs(Math.abs(d))}` : `${d > 0 ? '▲' : '▼'}${Math.abs(d)}`;
  const good = def.better == null ? null : (d > 0) === (def.better === 'higher');
  return { text, tone: good == null ? 'flat' : good ? 'good' : 'bad' };
}

export const num = (n: number) => n.toLocaleString('zh-CN');

