// The base of the map's big layers: a Leaflet canvas renderer that draws a plain table (points, polygons) in one pass
// instead of one Leaflet layer per item. Leaflet 1.9 (pinned) still places, pans, zooms and resizes the canvas as it
// does for its own paths. Subclasses keep each item's position at zoom 0 (worldPoint) and scale it to the zoom drawn:
// Leaflet's CRSs scale linearly with the zoom, so a zoom change costs a multiplication per vertex, not a projection.
import L from 'leaflet';

export interface TableCanvasInternals {
  _map: L.Map | null;
  _ctx: CanvasRenderingContext2D;
  /** Layer-point bounds the canvas covers. */
  _bounds: L.Bounds;
  _redrawBounds: L.Bounds | null;
  _redrawRequest: number | null;
  _postponeUpdatePaths?: boolean;
  _redraw(): void;
}

/**
 * What a subclass implements: draw its table. A world point times `k`, minus `origin`, is where it goes on the canvas;
 * `bounds` is what the canvas covers, in the same coordinates.
 */
export interface TableDrawer {
  _drawTable(ctx: CanvasRenderingContext2D, k: number, origin: L.Point, bounds: L.Bounds): void;
}

const MAX_LAT = 85.0511287798;
const RAD = Math.PI / 180;

/**
 * Pixel position at zoom 0 of a display [lat, lng], written into `out` at `at`: crs.latLngToPoint(latlng, 0), with
 * Leaflet's default Web Mercator inlined (no allocations: 10,000 responders and 7,500 grid vertices per snapshot).
 */
export function worldPoint(map: L.Map, lat: number, lng: number, out: { [i: number]: number }, at = 0): void {
  const crs = map.options.crs ?? L.CRS.EPSG3857;
  if (crs === L.CRS.EPSG3857) {
    const sin = Math.sin(Math.max(Math.min(MAX_LAT, lat), -MAX_LAT) * RAD);
    out[at] = 256 * (0.5 + lng / 360);
    out[at + 1] = 256 * (0.5 - Math.log((1 + sin) / (1 - sin)) / (4 * Math.PI));
    return;
  }
  const p = crs.latLngToPoint(L.latLng(lat, lng), 0);
  out[at] = p.x;
  out[at + 1] = p.y;
}

export interface TableCanvas extends L.Canvas {
  /** Draws the table again on the next animation frame (once, however often it is asked). */
  requestDraw(): void;
}

type Self = TableCanvas & TableCanvasInternals & TableDrawer;

/**
 * Canvas padding around the view, as a share of its size. Leaflet's 0.1: each canvas is copied to the screen whole
 * on every change, so a larger margin costs every frame, and a watched wall hardly pans.
 */
export const CANVAS_PADDING = 0.1;

export const TableCanvasBase = L.Canvas.extend({
  options: { padding: CANVAS_PADDING },

  requestDraw(this: Self) {
    if (!this._map || this._redrawRequest) return;
    this._redrawBounds = null;
    this._redrawRequest = L.Util.requestAnimFrame(this._redraw, this);
  },

  // Leaflet calls this after every pan or zoom: there are no path layers to update, only the table to draw again,
  // once, in the next frame (a new snapshot moves the view and fills the table in the same task: one draw, not two).
  _updatePaths(this: Self) {
    if (this._postponeUpdatePaths) return;
    this.requestDraw();
  },

  _draw(this: Self) {
    const map = this._map;
    if (!map) return;
    const ctx = this._ctx;
    const crs = map.options.crs ?? L.CRS.EPSG3857;
    ctx.save();
    this._drawTable(ctx, crs.scale(map.getZoom()) / crs.scale(0), map.getPixelOrigin(), this._bounds);
    ctx.restore();
  },
});
