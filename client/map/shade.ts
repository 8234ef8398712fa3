// What the grid polygons are filled by and what their tooltip says besides the grid's name: the open-ticket count on
// the wall and the console, nothing on the residents' map, a report's on-time rate on the reports page. Each bin has
// one style object, so the canvas fills all polygons of a bin with one path.
import type { GridView } from '../../shared/api.ts';
import type { BreakdownRow } from '../../shared/reports.ts';
import { GRID_BINS, gridBin, RATE_BINS, rateBin } from './colors.ts';
import type { PolygonStyle } from './polygons.ts';
import { t } from '../i18n/index.svelte.ts';

export interface GridShade {
  style(gridId: string): PolygonStyle;
  /** Tooltip rows after the grid's name, community and leader: [label, value]. */
  rows(grid: GridView): Array<[string, string]>;
}

const COUNT_STYLES = new Map<string, PolygonStyle>(GRID_BINS.map((b) => [b.label, { fill: b.fill, fillOpacity: b.opacity }]));
const countStyle = (n: number) => COUNT_STYLES.get(gridBin(n).label)!;

/** Grids by their open tickets (GRID_BINS, the map legend's). */
export function countShade(counts: Map<string, number>): GridShade {
  return {
    style: (id) => countStyle(counts.get(id) ?? 0),
    rows: (g) => [[t('tipOpenCount'), String(counts.get(g.id) ?? 0)]],
  };
}

/** Grids only as places: all calm, no figure (the residents' map, where a count would mean nothing to a resident). */
export const PLAIN_SHADE: GridShade = { style: () => countStyle(0), rows: () => [] };

const RATE_STYLES = new Map<string, PolygonStyle>(RATE_BINS.map((b) => [b.label, { fill: b.fill, fillOpacity: b.opacity }]));

/**
 * Grids by a report's on-time response rate (RATE_BINS); a grid with no response due stays calm. `rows` are the
 * tooltip's lines for a grid's report row (rate, due, rank), or for none.
 */
export function rateShade(byGrid: Map<string, BreakdownRow>, rows: (r: BreakdownRow | null) => Array<[string, string]>): GridShade {
  return {
    style: (id) => {
      const rate = byGrid.get(id)?.onTimeRate;
      return rate == null ? countStyle(0) : RATE_STYLES.get(rateBin(rate).label)!;
    },
    rows: (g) => rows(byGrid.get(g.id) ?? null),
  };
}
