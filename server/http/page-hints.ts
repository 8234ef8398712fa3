// A page's own hints in the head of index.html: its script chunk and styles (which the shared head leaves out, so a
// wall never fetches the reports' code) and, for a signed-in browser, the API reads it makes before it can draw. The
// browser then fetches all of them while it parses the page, instead of after the app shell has loaded and routed
// (~0.3 s later); the page's own fetch() of the same URL takes the preloaded answer over. The hints only name URLs:
// each read is authorised by its own route as always.
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { reportsPageReads } from '../../shared/report-queries.ts';

interface PageChunks { modules: string[]; styles: string[] }
interface Page { module: string; reads?: (search: string) => string[] }

/** Paths (without trailing slash) whose page has hints; the module is the page's source under client/. */
const PAGES: Record<string, Page> = {
  '/reports': { module: 'reports/ReportsPage.svelte', reads: reportsPageReads },
  '/reports/daily': { module: 'reports/DailyReport.svelte' },
};

const attr = (s: string) => s.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** The link tags for a page: those index.html does not already have, reads only when signed in. */
export function pageHintTags(html: string, chunks: Record<string, PageChunks>, pathname: string, search: string, signedIn: boolean): string {
  const page = PAGES[pathname.replace(/\/+$/, '')];
  if (!page) return '';
  const own = chunks[page.module] ?? { modules: [], styles: [] };
  const fresh = (href: string) => !html.includes(`"${href}"`);
  return [
    ...own.modules.filter(fresh).map((href) => `<link rel="modulepreload" crossorigin href="${attr(href)}">`),
    ...own.styles.filter(fresh).map((href) => `<link rel="stylesheet" crossorigin href="${attr(href)}">`),
    // crossorigin (anonymous) is what fetch() asks by default for the same origin: cors mode, cookies sent.
    ...(signedIn && page.reads ? page.reads(search) : []).map((href) => `<link rel="preload" as="fetch" crossorigin href="${attr(href)}">`),
  ].join('\n    ');
}

/** index.html for a request, with the page's hints before </head>. */
export async function pageHtml(distDir: string, pathname: string, search: string, signedIn: boolean): Promise<string> {
  const html = await readFile(path.join(distDir, 'index.html'), 'utf8');
  let chunks: Record<string, PageChunks> = {};
  try { chunks = JSON.parse(await readFile(path.join(distDir, 'page-chunks.json'), 'utf8')); } catch { /* a build without it: no page hints */ }
  const tags = pageHintTags(html, chunks, pathname, search, signedIn);
  return tags ? html.replace('</head>', `  ${tags}\n  </head>`) : html;
}
