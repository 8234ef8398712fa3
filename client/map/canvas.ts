// The base of the map's big layers: a Leaflet canvas renderer that draws a plain table (points, polygons) in one pass
// instead of one Leaflet layer per item. Leaflet 1.9 (pinned) still places, pans, zooms and resizes the canvas as it
// does for its own paths; subclasses project their items to pixels as they draw them (at the zoom they are given).
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

/** What a subclass implements: draw its table at a zoom, given the layer-point origin and the bounds the canvas covers. */
export interface TableDrawer {
  _drawTable(ctx: CanvasRenderingContext2D, zoom: number, origin: L.Point, bounds: L.Bounds): void;
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

  // Leaflet calls this after every pan or zoom: there are no path layers to update, only the table to draw again.
  _updatePaths(this: Self) {
    if (this._postponeUpdatePaths) return;
    this._redrawBounds = null;
    this._redraw();
  },

  _draw(this: Self) {
    const map = this._map;
    if (!map) return;
    const ctx = this._ctx;
    ctx.save();
    // (Not this._zoom: L.Renderer keeps its own there, for the zoom animation.)
    this._drawTable(ctx, map.getZoom(), map.getPixelOrigin(), this._bounds);
    ctx.restore();
  },
});
