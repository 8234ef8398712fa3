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

/**
 * dist/page-chunks.json: for each page chunk left out of the head above (the reports'), the script files and styles it
 * needs, keyed by its source module ('reports/ReportsPage.svelte'). The server names them in that page's own head
 * (server/http/page-hints.ts), so a manager's browser fetches and compiles ECharts while the app shell starts.
 */
function pageChunksManifest(): Plugin {
  return {
    name: 'gridops-page-chunks',
    apply: 'build',
    generateBundle(_options, bundle) {
      const out: Record<string, { modules: string[]; styles: string[] }> = {};
      for (const c of Object.values(bundle)) {
        if (c.type !== 'chunk' || !c.isDynamicEntry || !c.facadeModuleId?.includes('/client/reports/')) continue;
        const modules = new Set<string>(), styles = new Set<string>();
        const visit = (name: string) => {
          const d = bundle[name];
          if (modules.has(name) || !d || d.type !== 'chunk' || d.isEntry) return;
          modules.add(name);
          for (const css of d.viteMetadata?.importedCss ?? []) styles.add(css);
          for (const next of d.imports) visit(next);
        };
        visit(c.fileName);
        out[c.facadeModuleId.slice(c.facadeModuleId.indexOf('/client/') + '/client/'.length)] = { modules: [...modules].map((f) => `/${f}`), styles: [...styles].map((f) => `/${f}`) };
      }
      this.emitFile({ type: 'asset', fileName: 'page-chunks.json', source: JSON.stringify(out, null, 1) });
    },
  };
}

export default defineConfig({
  root: 'client',
  plugins: [svelte(), preloadAppChunks(), pageChunksManifest(), VitePWA(fieldWorker)],
  build: { outDir: '../dist', emptyOutDir: true, chunkSizeWarningLimit: 1500 },
  server: { proxy: { '/api': 'http://localhost:3000', '/socket.io': { target: 'ws://localhost:3000', ws: true } } },
});
