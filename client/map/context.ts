// What MapView hands its layer components: the Leaflet map, the display CRS shift, and the UI scale.
import { getContext, setContext } from 'svelte';
import type L from 'leaflet';
import type { TileCrs } from '../../shared/geo.ts';
import type { HoverArbiter } from './hover.ts';

export { displayLatLng } from './project.ts';

export interface MapContext {
  readonly map: L.Map;
  /** The CRS positions are drawn in: the tile layer's when there is one, else WGS-84 as stored. */
  readonly crs: TileCrs;
  /** 1 at 1080p, 2 at 4K: marker radii and stroke widths multiply by it. */
  readonly scale: number;
  /** The single tooltip every layer reports hits to. */
  readonly hover: HoverArbiter;
}

const KEY = Symbol('gridops-map');

export function setMapContext(ctx: MapContext): void {
  setContext(KEY, ctx);
}

export function getMapContext(): MapContext {
  const ctx = getContext<MapContext | undefined>(KEY);
  if (!ctx) throw new Error('map layer used outside <MapView>');
  return ctx;
}

/** Panes stack the layers: polygons, responders, names (legible over people), tickets on top (tooltips above all). */
export const PANES = { grids: 'gridops-grids', labels: 'gridops-labels', responders: 'gridops-responders', tickets: 'gridops-tickets' } as const;
export const PANE_Z: Record<keyof typeof PANES, number> = { grids: 350, responders: 420, labels: 440, tickets: 460 };
