// The reports page's hints in its head: what index.html gains for /reports, and that the reads it names are the very
// URLs the page fetches (a preload the page does not ask for byte for byte is fetched twice). The browser side — the
// page's fetch taking the preloaded answer over — is in reports.browser.test.ts.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { qs } from '../client/api.ts';
import { pageHintTags } from '../server/http/page-hints.ts';
import { reportQueryFromUrl, reportSearch } from '../shared/reports.ts';
import { reportParams, reportsPageReads } from '../shared/report-queries.ts';

const T = suite('page hints');

const HEAD = '<head><script type="module" crossorigin src="/assets/index-A.js"></script><link rel="modulepreload" crossorigin href="/assets/api-B.js"></head>';
const CHUNKS = {
  'reports/ReportsPage.svelte': { modules: ['/assets/ReportsPage-C.js', '/assets/api-B.js'], styles: ['/assets/ReportsPage-D.css'] },
  'reports/DailyReport.svelte': { modules: ['/assets/DailyReport-E.js'], styles: [] },
};

T('the report read is the URL the page builds for the same query', () => {
  for (const search of [
    '', '?period=last_month', 'period=custom&from=2026-10-01&to=2026-10-30', '?scope=community&communityId=12&period=this_week',
    '?period=nonsense&scope=grid&gridId=7', '?scope=grid&gridId=7&period=custom&from=2026-01-01&to=2026-01-31&extra=1',
  ]) {
    const reads = reportsPageReads(search);
    assert.equal(reads.slice(0, 4), ['/api/me', '/api/communities', '/api/grids', '/api/categories']);
    // The page builds its URL without the schema (it loads no zod); for a query the schema takes, the same bytes.
    assert.is(reads[4], `/api/reports${qs(reportSearch(reportQueryFromUrl(search)))}`, search);
    assert.equal(reportSearch(reportQueryFromUrl(search)), reportParams(reportQueryFromUrl(search)), search);
  }
  // A query the schema refuses (a custom period without its days, a community scope without its id): no report read.
  assert.is(reportsPageReads('?period=custom').length, 4);
  assert.is(reportsPageReads('?scope=community').length, 4);
});

T('/reports names its chunk, its styles and, signed in, its reads; nothing twice, nothing for other pages', () => {
  const tags = pageHintTags(HEAD, CHUNKS, '/reports/', '?period=last_month', true).split('\n').map((s) => s.trim());
  assert.equal(tags, [
    '<link rel="modulepreload" crossorigin href="/assets/ReportsPage-C.js">',
    '<link rel="stylesheet" crossorigin href="/assets/ReportsPage-D.css">',
    '<link rel="preload" as="fetch" crossorigin href="/api/me">',
    '<link rel="preload" as="fetch" crossorigin href="/api/communities">',
    '<link rel="preload" as="fetch" crossorigin href="/api/grids">',
    '<link rel="preload" as="fetch" crossorigin href="/api/categories">',
    '<link rel="preload" as="fetch" crossorigin href="/api/reports?period=last_month&amp;scope=street_office">',
  ]);
  // Signed out the page goes to the login: no reads that would only answer 401.
  assert.not.match(pageHintTags(HEAD, CHUNKS, '/reports', '', false), '/api/');
  assert.match(pageHintTags(HEAD, CHUNKS, '/reports/daily', '', true), 'DailyReport-E.js');
  assert.not.match(pageHintTags(HEAD, CHUNKS, '/reports/daily', '', true), '/api/');
  for (const p of ['/wall', '/dispatch', '/m', '/login', '/', '/reportsx']) assert.is(pageHintTags(HEAD, CHUNKS, p, '', true), '', p);
  // A build without the manifest still names the reads.
  assert.match(pageHintTags(HEAD, {}, '/reports', '', true), '/api/reports?period=this_month');
});

T('a hostile query string cannot leave the attribute', () => {
  const tags = pageHintTags(HEAD, CHUNKS, '/reports', '?period=custom&from="><script>alert(1)</script>&to=2026-01-01', true);
  assert.not.match(tags, '<script');
  const grid = pageHintTags(HEAD, CHUNKS, '/reports', '?scope=grid&gridId=1"onload="x', true);
  assert.not.match(grid, 'onload="');
  for (const m of grid.matchAll(/href="([^"]*)"/g)) assert.not.match(m[1], /[<>"]/);
});

T.run();
