// A tiny pathname router: the current path as rune state, pushState navigation, back/forward support.
export const route = $state({ path: typeof window === 'undefined' ? '/' : window.location.pathname });

export function navigate(to: string, opts: { replace?: boolean } = {}): void {
  if (opts.replace) history.replaceState(null, '', to);
  else history.pushState(null, '', to);
  route.path = new URL(to, window.location.href).pathname;
}

if (typeof window !== 'undefined') {
  window.addEventListener('popstate', () => { route.path = window.location.pathname; });
}
