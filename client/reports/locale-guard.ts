// Chromium on a Linux PC whose locale is C/POSIX (LANG=C.UTF-8: a kiosk or wall-screen box) reports
// navigator.language as 'en-US@posix', a tag Intl refuses; uPlot builds its number format from it as it loads, so the
// whole reports page failed to start. Imported before uPlot: such a browser is given the page's own language instead.
// Nothing of ours reads navigator.language (every format names its locale); this only keeps uPlot loadable.
try {
  new Intl.NumberFormat(navigator.language);
} catch {
  Object.defineProperty(navigator, 'language', { value: 'zh-CN', configurable: true });
}
export {};
