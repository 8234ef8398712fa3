// The UI language (Chinese first, English second) as shared rune state, plus message and time formatting.
import { en } from './en.ts';
import { zhCN, type MessageKey } from './zh-CN.ts';

export type Lang = 'zh' | 'en';
const STORAGE_KEY = 'gridops.lang';
/** Street offices are in China: times on screens are China time even if the wall PC's clock zone is not. */
export const DISPLAY_TZ = 'Asia/Shanghai';

function initialLang(): Lang {
  if (typeof window === 'undefined') return 'zh';
  const fromUrl = new URLSearchParams(window.location.search).get('lang');
  if (fromUrl === 'en' || fromUrl === 'zh') return fromUrl;
  try {
    const stored = window.localStorage.getItem(STORAGE_KEY);
    if (stored === 'en' || stored === 'zh') return stored;
  } catch { /* storage can be disabled on locked-down PCs */ }
  return 'zh';
}

export const i18n = $state({ lang: initialLang() });

export function setLang(lang: Lang): void {
  i18n.lang = lang;
  try { window.localStorage.setItem(STORAGE_KEY, lang); } catch { /* see above */ }
  document.documentElement.lang = lang === 'zh' ? 'zh-CN' : 'en';
}

/** A lookup over a pair of zh/en dictionaries, in the current language, with its {name} slots filled. */
export function dictionary<K extends string>(zh: Record<K, string>, english: Record<K, string>) {
  return (key: K, vars?: Record<string, string | number>): string => {
    let s = i18n.lang === 'en' ? english[key] : zh[key];
    if (vars) for (const [k, v] of Object.entries(vars)) s = s.replace(`{${k}}`, String(v));
    return s;
  };
}

export const t: (key: MessageKey, vars?: Record<string, string | number>) => string = dictionary<MessageKey>(zhCN, en);

/** Picks the current language from a shared { zh, en } label. */
export function pick(label: { zh: string; en: string } | undefined, fallback = ''): string {
  if (!label) return fallback;
  return i18n.lang === 'en' ? label.en : label.zh;
}

/** Grid names are Chinese data; the common "3号网格" pattern reads as "Grid 3" in English, anything else as is. */
export function gridName(name: string): string {
  if (i18n.lang !== 'en') return name;
  const m = /^(\d+)号网格$/.exec(name);
  return m ? `Grid ${m[1]}` : name;
}

/** A community's name in the current language (English names are optional data). */
export function communityName(c: { name: string; nameEn?: string | null }): string {
  return i18n.lang === 'en' && c.nameEn ? c.nameEn : c.name;
}

const fmtCache = new Map<string, Intl.DateTimeFormat>();
function fmt(opts: Intl.DateTimeFormatOptions): Intl.DateTimeFormat {
  const key = JSON.stringify(opts);
  let f = fmtCache.get(key);
  if (!f) fmtCache.set(key, (f = new Intl.DateTimeFormat('en-GB', { timeZone: DISPLAY_TZ, hour12: false, ...opts })));
  return f;
}

/** hh:mm:ss in China time. */
export function clockTime(ms: number): string {
  return fmt({ hour: '2-digit', minute: '2-digit', second: '2-digit' }).format(ms);
}

/** hh:mm in China time. */
export function shortTime(ms: number): string {
  return fmt({ hour: '2-digit', minute: '2-digit' }).format(ms);
}

const dateFmt: Partial<Record<Lang, Intl.DateTimeFormat>> = {};

/** The date line under the wall clock: 2024年5月6日 星期一 / Mon 6 May 2024. */
export function dateLine(ms: number): string {
  // Made once per language: the line is re-rendered with the clock every second, and a new formatter costs milliseconds.
  dateFmt[i18n.lang] ??= i18n.lang === 'en'
    ? new Intl.DateTimeFormat('en-GB', { timeZone: DISPLAY_TZ, weekday: 'short', day: 'numeric', month: 'short', year: 'numeric' })
    : new Intl.DateTimeFormat('zh-CN', { timeZone: DISPLAY_TZ, weekday: 'long', year: 'numeric', month: 'long', day: 'numeric' });
  return dateFmt[i18n.lang]!.format(ms);
}

export function percent(rate: number | null | undefined): string {
  if (rate == null) return '—';
  return (rate * 100).toFixed(rate >= 0.9995 || rate === 0 ? 0 : 1) + '%';
}

/** A duration in seconds as "6分12秒" / "6m 12s". */
export function duration(seconds: number | null | undefined): string {
  if (seconds == null) return '—';
  const s = Math.round(seconds);
  const m = Math.floor(s / 60);
  const rest = s % 60;
  if (i18n.lang === 'en') return m > 0 ? `${m}m ${rest}s` : `${rest}s`;
  return m > 0 ? `${m}分${rest}秒` : `${rest}秒`;
}
