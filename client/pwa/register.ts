// The field pages' service worker (built by vite-plugin-pwa, see worker-config.ts), registered from the bundle (the
// CSP allows no inline script), and the web app manifest of the page the user is on, so /m and /dispatch install as
// their own apps. The wall never registers it (a browser that also opened /m has it, and it leaves the wall alone).
import { Workbox } from 'workbox-window';
import { offerUpdate } from './update.svelte.ts';

const MANIFESTS: Record<string, string> = { '/m': '/m.webmanifest', '/dispatch': '/dispatch.webmanifest' };
/** Field phones stay open for a whole shift: look for a new deployment now and then, and when the network returns. */
const CHECK_EVERY_MS = 30 * 60_000;

export function startFieldWorker(): void {
  const path = window.location.pathname.replace(/\/+$/, '') || '/';
  const manifest = MANIFESTS[path];
  if (manifest && !document.querySelector('link[rel=manifest]')) {
    const link = document.createElement('link');
    link.rel = 'manifest';
    link.href = manifest;
    document.head.append(link);
  }
  // The wall must show live truth or nothing; residents' pages are opened once from a poster on someone's phone, where
  // precaching the whole staff app would only cost them data.
  if (path === '/wall' || path === '/report' || path === '/poster' || path.startsWith('/t/') || !('serviceWorker' in navigator)) return;

  const wb = new Workbox('/sw.js', { scope: '/' });
  const take = () => {
    wb.addEventListener('controlling', () => window.location.reload());
    void wb.messageSkipWaiting();
  };
  wb.addEventListener('waiting', (e) => {
    // Already waiting when this page loaded: this page came from the old shell. Take the new one at once (one quick
    // reload, before anything was typed); a version that arrives while the page is in use waits for a tap instead.
    if (e.wasWaitingBeforeRegister) take();
    else offerUpdate(take);
  });
  void wb.register().then(async (reg) => {
    if (!reg) return;
    await navigator.serviceWorker.ready;
    // Fonts the page loaded before the worker was in charge: have them kept too (later ones it keeps by itself).
    const fonts = performance.getEntriesByType('resource').map((e) => e.name).filter((u) => /\/assets\/[^/]+\.woff2$/.test(new URL(u).pathname));
    if (fonts.length) void wb.messageSW({ type: 'CACHE_URLS', payload: { urlsToCache: fonts } }).catch(() => {});
  }).catch(() => { /* no worker (private mode, old browser): the pages work as before, online only */ });
  setInterval(() => { void wb.update().catch(() => {}); }, CHECK_EVERY_MS);
  window.addEventListener('online', () => { void wb.update().catch(() => {}); });
}
