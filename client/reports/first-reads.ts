// The reports page's first reads — who is signed in, the catalog (communities, grid shapes, categories) and the report
// of the URL's query — started by the app shell as soon as the path is /reports, while the page's own chunk still
// loads and compiles (the page's head names the same reads, server/http/page-hints.ts: then these take them over).
// The page takes each read over once; later reads (another period) go to the server as usual.
import { api } from '../api.ts';
import { fetchReport, params, queryFromUrl, type Query } from './api.ts';

const started = new Map<string, Promise<unknown>>();

const meRead = () => api('GET /api/me');
const catalogRead = () => Promise.all([api('GET /api/communities'), api('GET /api/grids'), api('GET /api/categories')]);
const reportKey = (q: Query) => {
  try { return `report?${new URLSearchParams(params(q))}`; } catch { return null; }
};

function keep<T>(key: string, p: Promise<T>): void {
  p.catch(() => {}); // the page sees the failure when it takes the read over; nobody else should
  started.set(key, p);
}

export function startFirstReads(search: string): void {
  keep('me', meRead());
  keep('catalog', catalogRead());
  const q = queryFromUrl(search), key = reportKey(q);
  if (key) keep(key, fetchReport(q));
}

function take<T>(key: string | null, read: () => Promise<T>): Promise<T> {
  const p = key ? started.get(key) : undefined;
  if (!p) return read();
  started.delete(key!);
  return p as Promise<T>;
}

export const readMe = () => take('me', meRead);
export const readCatalog = () => take('catalog', catalogRead);
export const readReport = (q: Query) => take(reportKey(q), () => fetchReport(q));
