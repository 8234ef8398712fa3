// The last picture a field page showed, kept on the device so the page opens with no signal (a basement, a lift lobby):
// saved to localStorage while live, restored when no live snapshot comes, marked "离线 · 数据截至 hh:mm" by the page.
// This is the only copy of live data the field pages keep; the service worker caches none (client/pwa/worker-config.ts).
// Each page decides what is worth keeping and keeps no more than it shows: no one's live position, no full phone number.
import type { Snapshot } from '../../shared/events.ts';
import type { LiveStore } from './store.svelte.ts';

interface Saved { v: 1; asOf: number; snapshot: Snapshot }

const PREFIX = 'gridops.lastKnown.';
/** How often a changed picture is written (and on leaving the page). */
const SAVE_EVERY_MS = 3000;
/** No snapshot this long after opening, on a network that says it is up: show the kept picture meanwhile. */
const RESTORE_AFTER_MS = 2500;
/** Over this the picture is not kept (a whole city's queue on a desk PC): localStorage holds about 5 MB. */
const MAX_CHARS = 1_500_000;

function storage(): Storage | null {
  try { return window.localStorage; } catch { return null; }
}

export function readLastKnown(key: string): Saved | null {
  try {
    const raw = storage()?.getItem(PREFIX + key);
    const saved = raw ? (JSON.parse(raw) as Saved) : null;
    return saved?.v === 1 && saved.snapshot && typeof saved.asOf === 'number' ? saved : null;
  } catch {
    return null;
  }
}

/** Forgets every kept picture (signing out: the next person on this phone must not see the last one's tickets). */
export function clearLastKnown(): void {
  const s = storage();
  if (!s) return;
  for (const k of Object.keys(s)) if (k.startsWith(PREFIX)) s.removeItem(k);
}

/**
 * Keeps `store`'s picture under `key` as `pick` trims it, and restores it into the store when the page has no live
 * snapshot (offline at start, the socket failing, or none within a few seconds). Returns the stop function.
 */
export function keepLastKnown(store: LiveStore, key: string, pick: (store: LiveStore) => Snapshot | null): () => void {
  let savedAt = -1;
  const save = () => {
    if (store.status !== 'live' || store.changes === savedAt) return;
    const snapshot = pick(store);
    if (!snapshot) return;
    savedAt = store.changes;
    try {
      const text = JSON.stringify({ v: 1, asOf: store.serverNow(), snapshot } satisfies Saved);
      if (text.length <= MAX_CHARS) storage()?.setItem(PREFIX + key, text);
      else storage()?.removeItem(PREFIX + key);
    } catch { /* storage full or disabled: the page works, it just cannot open offline */ }
  };
  const restore = () => {
    if (store.snapshotCount > 0) return;
    const saved = readLastKnown(key);
    if (saved) store.restore(saved.snapshot, saved.asOf);
  };
  const timer = setInterval(save, SAVE_EVERY_MS);
  const waiting = setTimeout(restore, navigator.onLine ? RESTORE_AFTER_MS : 0);
  const onHide = () => { if (document.visibilityState === 'hidden') save(); };
  document.addEventListener('visibilitychange', onHide);
  window.addEventListener('pagehide', save);
  const stopWatching = $effect.root(() => {
    $effect(() => {
      if (store.status === 'reconnecting' || store.status === 'offline') restore();
    });
  });
  return () => {
    clearInterval(timer);
    clearTimeout(waiting);
    document.removeEventListener('visibilitychange', onHide);
    window.removeEventListener('pagehide', save);
    stopWatching();
  };
}

/** The parts of a live picture every page keeps as they are (organisation, map, categories, figures). */
export function baseOf(store: LiveStore): Omit<Snapshot, 'tickets' | 'responders' | 'offers'> | null {
  const meta = store.meta;
  if (!meta) return null;
  return {
    seq: '0', serverTime: new Date(store.serverNow()).toISOString(), scope: meta.scope, me: store.me,
    streetOffice: meta.streetOffice, map: meta.map, communities: meta.communities, grids: meta.grids,
    categories: meta.categories, ticker: [], kpis: store.kpis ?? meta.kpis,
  };
}
