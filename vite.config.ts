// Builds the single-page client (wall screen, dispatch console, phone page, reports) into dist/.
import { defineConfig, type Plugin } from 'vite';
import { svelte } from '@sveltejs/vite-plugin-svelte';
import { VitePWA } from 'vite-plugin-pwa';
import { fieldWorker } from './client/pwa/worker-config.ts';

/**
 * main.ts imports the app chunk only after the wall's socket handshake, and the app imports its pages on demand; links
 * in the page head have the browser fetch all of them and their styles with the page anyway, before the server gets
 * busy reading the snapshot. Fetched is not evaluated: a wall runs only the wall's code.
 */
function preloadAppChunks(): Plugin {
  return {
    name: 'gridops-preload-app-chunks',
    apply: 'build',
    transformIndexHtml: {
      order: 'post',
      handler(_html, ctx) {
        const bundle = ctx.bundle ?? {};
        const app = Object.values(bundle).find((c) => c.type === 'chunk' && c.facadeModuleId?.endsWith('/client/app.ts'));
        if (!app) return [];
        const chunks = new Set<string>();
        const visit = (name: string) => {
          const c = bundle[name];
          if (chunks.has(name) || !c || c.type !== 'chunk' || c.isEntry) return;
          // The reports pages carry ECharts (~0.5 MB): a wall or a phone must not fetch it with every load.
          if (c.facadeModuleId?.includes('/client/reports/')) return;
          chunks.add(name);
          for (const next of [...c.imports, ...c.dynamicImports]) visit(next);
        };
        visit(app.fileName);
        const css = new Set([...chunks].flatMap((name) => {
          const c = bundle[name];
          return c.type === 'chunk' ? [...(c.viteMetadata?.importedCss ?? [])] : [];
        }));
        return [
          ...[...chunks].map((f) => ({ tag: 'link', attrs: { rel: 'modulepreload', crossorigin: true, href: `/${f}` }, injectTo: 'head' as const })),
          ...[...css].map((f) => ({ tag: 'link', attrs: { rel: 'stylesheet', crossorigin: true, href: `/${f}` }, injectTo: 'head' as const })),
        ];
      },
    },
  };
}

export default defineConfig({
  root: 'client',
  plugins: [svelte(), preloadAppChunks(), VitePWA(fieldWorker)],
  build: { outDir: '../dist', emptyOutDir: true, chunkSizeWarningLimit: 1500 },
  server: { proxy: { '/api': 'http://localhost:3000', '/socket.io': { target: 'ws://localhost:3000', ws: true } } },
});
