// Thousands of map points (responders, tickets) on one canvas without a Leaflet layer per point: a Leaflet canvas renderer
// that draws a plain id → point table. Creating 10,000 CircleMarkers cost a city-scale wall most of a second; this costs
// a few milliseconds. Leaflet 1.9 (pinned) still places, pans, zooms and resizes the canvas as for its own paths.
import L from 'leaflet';

/** How a point looks. Points sharing one style object are drawn together, so reuse style objects. */
export interface PointStyle {
  shape: 'circle' | 'square';
  /** Radius in px (half the side for a square); 0 hides the point. */
  radius: number;
  fill: string;
  fillOpacity: number;
  /** Outline colour, or null for none. Outlined points are drawn one by one so each covers the ones beneath. */
  stroke: string | null;
  weight: number;
  /** Higher is drawn later, on top. */
  z: number;
}

interface Point { lat: number; lng: number; style: PointStyle; x: number; y: number }

interface CanvasInternals {
  _map: L.Map | null;
  _ctx: CanvasRenderingContext2D;
  _bounds: L.Bounds;
  _redrawBounds: L.Bounds | null;
  _redrawRequest: number | null;
  _postponeUpdatePaths?: boolean;
  _redraw(): void;
}

/** The point table a PointCanvas draws; all coordinates are display coordinates. */
export interface PointCanvas extends L.Canvas {
  set(id: string, lat: number, lng: number, style: PointStyle): void;
  move(id: string, lat: number, lng: number): void;
  restyle(id: string, style: PointStyle): void;
  delete(id: string): void;
  clear(): void;
  /** Draws the table again on the next animation frame (once, however often it is asked). */
  requestDraw(): void;
}

type Self = PointCanvas & CanvasInternals & { _points: Map<string, Point>; _zoom: number; _project(p: Point): void };

const Impl = L.Canvas.extend({
  initialize(this: Self, options: L.RendererOptions) {
    (L.Canvas.prototype as unknown as { initialize(o: L.RendererOptions): void }).initialize.call(this, options);
    this._points = new Map();
    this._zoom = NaN;
  },

  set(this: Self, id: string, lat: number, lng: number, style: PointStyle) {
    const p: Point = { lat, lng, style, x: 0, y: 0 };
    this._project(p);
    this._points.set(id, p);
    this.requestDraw();
  },

  move(this: Self, id: string, lat: number, lng: number) {
    const p = this._points.get(id);
    if (!p) return;
    p.lat = lat;
    p.lng = lng;
    this._project(p);
    this.requestDraw();
  },

  restyle(this: Self, id: string, style: PointStyle) {
    const p = this._points.get(id);
    if (p && p.style !== style) { p.style = style; this.requestDraw(); }
  },

  delete(this: Self, id: string) {
    if (this._points.delete(id)) this.requestDraw();
  },

  clear(this: Self) {
    this._points.clear();
    this.requestDraw();
  },

  requestDraw(this: Self) {
    if (!this._map || this._redrawRequest) return;
    this._redrawBounds = null;
    this._redrawRequest = L.Util.requestAnimFrame(this._redraw, this);
  },

  /** Pixel position at the zoom last drawn; a zoom change re-projects everything once. */
  _project(this: Self, p: Point) {
    if (!this._map || Number.isNaN(this._zoom)) return;
    const pt = this._map.project([p.lat, p.lng], this._zoom);
    p.x = pt.x;
    p.y = pt.y;
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
    const zoom = map.getZoom();
    if (zoom !== this._zoom) {
      this._zoom = zoom;
      for (const p of this._points.values()) this._project(p);
    }
    const origin = map.getPixelOrigin();
    const b = this._bounds;
    // Group by layer, then by style, keeping table order within a style.
    const byZ = new Map<number, Map<PointStyle, Point[]>>();
    for (const p of this._points.values()) {
      const s = p.style;
      if (s.radius <= 0) continue;
      const x = p.x - origin.x, y = p.y - origin.y;
      if (x < b.min!.x - s.radius || x > b.max!.x + s.radius || y < b.min!.y - s.radius || y > b.max!.y + s.radius) continue;
      let styles = byZ.get(s.z);
      if (!styles) byZ.set(s.z, (styles = new Map()));
      let list = styles.get(s);
      if (!list) styles.set(s, (list = []));
      list.push(p);
    }
    const ctx = this._ctx;
    ctx.save();
    for (const z of [...byZ.keys()].sort((a, b) => a - b)) {
      for (const [s, list] of byZ.get(z)!) {
        ctx.fillStyle = s.fill;
        if (!s.stroke) {
          ctx.globalAlpha = s.fillOpacity;
          ctx.beginPath();
          for (const p of list) shape(ctx, s, p.x - origin.x, p.y - origin.y);
          ctx.fill();
          continue;
        }
        ctx.strokeStyle = s.stroke;
        ctx.lineWidth = s.weight;
        for (const p of list) {
          ctx.beginPath();
          shape(ctx, s, p.x - origin.x, p.y - origin.y);
          ctx.globalAlpha = s.fillOpacity;
          ctx.fill();
          ctx.globalAlpha = 1;
          ctx.stroke();
        }
      }
    }
    ctx.restore();
  },
});

function shape(ctx: CanvasRenderingContext2D, s: PointStyle, x: number, y: number) {
  if (s.shape === 'square') {
    const h = Math.max(s.radius, 1);
    ctx.rect(x - h, y - h, 2 * h, 2 * h);
  } else {
    ctx.moveTo(x + s.radius, y);
    ctx.arc(x, y, s.radius, 0, Math.PI * 2);
  }
}

export function pointCanvas(options: L.RendererOptions): PointCanvas {
  return new (Impl as unknown as new (o: L.RendererOptions) => PointCanvas)(options);
}
