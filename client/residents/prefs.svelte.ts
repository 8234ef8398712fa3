// The residents' pages' own look (适老化): a large-text switch and a high-contrast switch, kept on the phone, applied
// to the page root so every element follows; light by default (read outdoors), unlike the command-room pages.
const KEY = 'gridops.resident.prefs';

function load(): { large: boolean; contrast: boolean } {
  try {
    const v = JSON.parse(localStorage.getItem(KEY) ?? '{}') as { large?: unknown; contrast?: unknown };
    return { large: v.large === true, contrast: v.contrast === true };
  } catch {
    return { large: false, contrast: false };
  }
}

export const prefs = $state(typeof window === 'undefined' ? { large: false, contrast: false } : load());

export function togglePref(which: 'large' | 'contrast'): void {
  prefs[which] = !prefs[which];
  try { localStorage.setItem(KEY, JSON.stringify(prefs)); } catch { /* storage off: the switch still works for this visit */ }
}

/** Puts the residents' theme on <html> while a residents' page is open. */
export function residentRoot(): () => void {
  const root = document.documentElement;
  root.classList.add('resident-root');
  const apply = () => {
    root.classList.toggle('resident-large', prefs.large);
    root.classList.toggle('resident-contrast', prefs.contrast);
  };
  apply();
  const stop = $effect.root(() => { $effect(apply); });
  return () => {
    stop();
    root.classList.remove('resident-root', 'resident-large', 'resident-contrast');
  };
}
