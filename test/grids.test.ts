// Grids: the demo lattice tiles without gaps or overlaps, imports refuse bad polygons, points find their grid.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { execFile } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import area from '@turf/area';
import { polygon } from '@turf/helpers';
import { demoCells } from '../server/demo/geometry.ts';
import { validateGrids } from '../server/grids/import.ts';
import { findGridAt } from '../server/grids/assign.ts';
import { labelPoint } from '../server/grids/label.ts';
import { pointInPolygon } from '../shared/geo.ts';
import { freshDatabase } from './helpers/db.ts';

const G = suite('grids');
const fc = (features: unknown[]) => ({ type: 'FeatureCollection', features });
const square = (name: string, x: number, y: number, size = 0.01) => ({
  type: 'Feature', properties: { name, community: '测试社区' },
  geometry: { type: 'Polygon', coordinates: [[[x, y], [x + size, y], [x + size, y + size], [x, y + size], [x, y]]] },
});

G('the demo street office: 72 grids that tile its area with no gap and no overlap', () => {
  const cells = demoCells(38.3, 116.85);
  assert.is(cells.length, 72);
  const check = validateGrids(fc(cells.map((c, i) => ({ type: 'Feature', properties: { name: `g${i}`, community: `c${c.community}` }, geometry: { type: 'Polygon', coordinates: c.polygon } }))));
  assert.ok(check.ok, !check.ok ? check.message : '');
  // No gaps: the grids' areas add up to the whole rectangle.
  const total = cells.reduce((s, c) => s + area(polygon(c.polygon)), 0);
  const xs = cells.flatMap((c) => c.polygon[0].map((p) => p[0])), ys = cells.flatMap((c) => c.polygon[0].map((p) => p[1]));
  const whole = area(polygon([[[Math.min(...xs), Math.min(...ys)], [Math.max(...xs), Math.min(...ys)], [Math.max(...xs), Math.max(...ys)], [Math.min(...xs), Math.max(...ys)], [Math.min(...xs), Math.min(...ys)]]]));
  assert.ok(Math.abs(total - whole) / whole < 1e-6, `${total} vs ${whole}`);
});

G('imports refuse overlapping, self-intersecting, unclosed and malformed polygons with a clear message', () => {
  const overlap = validateGrids(fc([square('A', 116.8, 38.3), square('B', 116.805, 38.305)]));
  assert.is(overlap.ok, false);
  assert.match(!overlap.ok ? overlap.message : '', /feature #1 \(A\) and feature #2 \(B\) overlap by \d+ m²/);
  const touching = validateGrids(fc([square('A', 116.8, 38.3), square('B', 116.81, 38.3)]));
  assert.ok(touching.ok, 'neighbours sharing an edge are fine');
  const bowtie = validateGrids(fc([{ ...square('X', 0, 0), geometry: { type: 'Polygon', coordinates: [[[0, 0], [1, 1], [1, 0], [0, 1], [0, 0]]] } }]));
  assert.match(!bowtie.ok ? bowtie.message : '', /intersects itself/);
  const open = validateGrids(fc([{ ...square('O', 0, 0), geometry: { type: 'Polygon', coordinates: [[[0, 0], [1, 0], [1, 1], [0, 1]]] } }]));
  assert.match(!open.ok ? open.message : '', /not closed/);
  const junk = validateGrids({ type: 'FeatureCollection', features: [{ type: 'Feature', properties: {}, geometry: null }] });
  assert.match(!junk.ok ? junk.message : '', /^invalid GeoJSON: features\.0\./);
});

G('labels sit inside concave grids', () => {
  const u = [[[0, 0], [3, 0], [3, 3], [2, 3], [2, 1], [1, 1], [1, 3], [0, 3], [0, 0]]];
  assert.ok(pointInPolygon(labelPoint(u), u));
});

G('a point finds its grid; a point outside every grid finds none', async () => {
  const db = await freshDatabase();
  try {
    const grids = await db.sql<{ id: string; label_lat: number; label_lng: number }[]>`SELECT id, label_lat, label_lng FROM grids ORDER BY id`;
    for (const g of grids.slice(0, 20)) assert.is(await findGridAt(db.sql, '1', g.label_lat, g.label_lng), g.id);
    assert.is(await findGridAt(db.sql, '1', 39.9, 116.4), null);
  } finally {
    await db.drop();
  }
});

G('npm run import-grids: progress line, then a summary; an overlapping file fails with the reason', async () => {
  const db = await freshDatabase({ empty: true });
  const run = promisify(execFile);
  const env = { ...process.env, DATABASE_URL: db.url, LOG_LEVEL: 'silent' };
  try {
    await db.sql.unsafe(`SELECT 1`);
    const { migrate } = await import('../server/db/migrate.ts');
    await migrate(db.sql);
    await db.sql`INSERT INTO street_offices (name, center_lat, center_lng) VALUES ('测试街道', 38.3, 116.8)`;
    const good = path.join(tmpdir(), `grids-ok-${process.pid}.geojson`);
    await writeFile(good, JSON.stringify(fc([square('1号网格', 116.8, 38.3), square('2号网格', 116.81, 38.3)])));
    const ok = await run('npx', ['tsx', 'server/grids/import-cli.ts', good], { env });
    assert.match(ok.stdout, /checking polygons 2\/2 \(100%\)/);
    assert.match(ok.stdout, /imported 2 grids in 1 communities \(2 new, 0 updated\)/);
    const bad = path.join(tmpdir(), `grids-bad-${process.pid}.geojson`);
    await writeFile(bad, JSON.stringify(fc([square('A', 116.8, 38.3), square('B', 116.805, 38.305)])));
    const err = await run('npx', ['tsx', 'server/grids/import-cli.ts', bad], { env }).then(() => null, (e) => e);
    assert.ok(err, 'must fail');
    assert.match(err.stderr, /import-grids: feature #1 \(A\) and feature #2 \(B\) overlap/);
    const [{ n }] = await db.sql<{ n: number }[]>`SELECT count(*)::int AS n FROM grids`;
    assert.is(n, 2, 'nothing of the bad file was written');
  } finally {
    await db.drop();
  }
});

G.run();
