// Demo grid polygons: a jittered lattice whose cells share their edges, so grids tile the area without gaps or overlaps.
import type { PolygonCoords } from '../../shared/geo.ts';
import { CELL_LAT, CELL_LNG, COLS_PER_COMMUNITY, COMMUNITY_COLS, COMMUNITY_ROWS, ROWS_PER_COMMUNITY } from './data.ts';

/** Deterministic PRNG (mulberry32) so every fresh install gets the same map. */
export function prng(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface DemoCell { col: number; row: number; community: number; polygon: PolygonCoords }

export function demoCells(centerLat: number, centerLng: number, seed = 7): DemoCell[] {
  const cols = COMMUNITY_COLS * COLS_PER_COMMUNITY, rows = COMMUNITY_ROWS * ROWS_PER_COMMUNITY;
  const rnd = prng(seed);
  const lng0 = centerLng - (cols * CELL_LNG) / 2, lat0 = centerLat + (rows * CELL_LAT) / 2;
  // Corner vertices, jittered inside the area, fixed on its border.
  const v: number[][][] = [];
  for (let i = 0; i <= cols; i++) {
    v.push([]);
    for (let j = 0; j <= rows; j++) {
      const inner = i > 0 && i < cols && j > 0 && j < rows;
      const jx = inner ? (rnd() - 0.5) * 0.4 * CELL_LNG : 0;
      const jy = inner ? (rnd() - 0.5) * 0.4 * CELL_LAT : 0;
      v[i].push([lng0 + i * CELL_LNG + jx, lat0 - j * CELL_LAT + jy]);
    }
  }
  // Midpoints of edges bend a little, shared by both neighbours; border edges stay straight.
  const mid = new Map<string, number[]>();
  const midpoint = (a: [number, number], b: [number, number], border: boolean) => {
    const key = [a, b].map((p) => p.join(':')).sort().join('|');
    if (!mid.has(key)) {
      const pa = v[a[0]][a[1]], pb = v[b[0]][b[1]];
      const bend = border ? 0 : (rnd() - 0.5) * 0.25;
      mid.set(key, [(pa[0] + pb[0]) / 2 + bend * (pb[1] - pa[1]) * (CELL_LNG / CELL_LAT), (pa[1] + pb[1]) / 2 - bend * (pb[0] - pa[0]) * (CELL_LAT / CELL_LNG)]);
    }
    return mid.get(key)!;
  };
  const cells: DemoCell[] = [];
  for (let j = 0; j < rows; j++) for (let i = 0; i < cols; i++) {
    const c: Array<[number, number]> = [[i, j], [i + 1, j], [i + 1, j + 1], [i, j + 1]];
    const ring: number[][] = [];
    for (let k = 0; k < 4; k++) {
      const a = c[k], b = c[(k + 1) % 4];
      const border = (a[1] === b[1] && (a[1] === 0 || a[1] === rows)) || (a[0] === b[0] && (a[0] === 0 || a[0] === cols));
      ring.push(v[a[0]][a[1]], midpoint(a, b, border));
    }
    ring.push(ring[0]);
    const community = Math.floor(j / ROWS_PER_COMMUNITY) * COMMUNITY_COLS + Math.floor(i / COLS_PER_COMMUNITY);
    cells.push({ col: i, row: j, community, polygon: [ring] });
  }
  return cells;
}
