// What the field pages' service worker (built by vite-plugin-pwa / Workbox into dist/sw.js) keeps, and what it never does.
// - Keeps the app shell: index.html, the scripts and styles, the icons and the two web app manifests (precached at
//   install, replaced as a whole by the next deployment's worker), and the font subsets a page has used (Noto Sans SC
//   comes in ~200 unicode-range files, 5 MB: only those a page needed are kept, as it needs them).
// - Answers navigations to the field pages only (/m, /dispatch, and /login and / that lead to them) from the shell.
//   The wall (/wall) is never answered from the cache: it must show live truth or say it cannot, so its page always
//   comes from the server (offline it does not load, rather than show an old picture that looks live).
// - Never caches /api/ or /socket.io/: tickets, residents' names and phones and responders' positions stay out of
//   the cache. What a page shows with no signal is what the page itself keeps (client/live/last-known.ts).
import type { VitePWAOptions } from 'vite-plugin-pwa';

/** Navigations the worker may answer with the cached shell (pathname plus query). */
export const SHELL_ROUTES = /^\/(?:m|dispatch|login)?\/?(?:\?.*)?$/;

export const fieldWorker: Partial<VitePWAOptions> = {
  // Registered by client/pwa/register.ts from the bundle: the CSP allows no inline script.
  injectRegister: false,
  registerType: 'prompt',
  // Two installable pages, two manifests (client/public/*.webmanifest); the page links the one for its route.
  manifest: false,
  filename: 'sw.js',
  strategies: 'generateSW',
  workbox: {
    globPatterns: ['**/*.{js,css,html,png,svg,webmanifest}'],
    navigateFallback: '/index.html',
    navigateFallbackAllowlist: [SHELL_ROUTES],
    navigateFallbackDenylist: [/^\/wall/, /^\/api\//, /^\/socket\.io/],
    cleanupOutdatedCaches: true,
    // The first install takes the open page at once, so the fonts it goes on to load are kept.
    clientsClaim: true,
    // An update waits until the page says so (client/pwa/register.ts): never swapped under a half-filled form.
    skipWaiting: false,
    runtimeCaching: [{
      urlPattern: ({ url, sameOrigin }) => sameOrigin && /^\/assets\/[^/]+\.woff2$/.test(url.pathname),
      handler: 'CacheFirst',
      options: { cacheName: 'gridops-fonts', expiration: { maxEntries: 300 } },
    }],
  },
};
