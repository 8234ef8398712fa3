// Thousands of map points (responders, tickets) on one canvas without a Leaflet layer per point: an id → point table
// drawn by a TableCanvas. Creating 10,000 CircleMarkers cost a city-scale wall most of a second; this costs milliseconds.
import type L from 'leaflet';
import { TableCanvasBase, worldPoint, type TableCanvas, type TableCanvasInternals } from './canvas.ts';

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

/** The point's position at zoom 0 (worldPoint), as [x, y]. */
interface Point { w: Float64Array; style: PointStyle }

/** The point table a PointCanvas draws; all coordinates are display coordinates. */
export interface PointCanvas extends TableCanvas {
  set(id: string, lat: number, lng: number, style: PointStyle): void;
  move(id: string, lat: number, lng: number): void;
  restyle(id: string, style: PointStyle): void;
  delete(id: string): void;
  clear(): void;
}

type Self = PointCanvas & TableCanvasInternals & { _points: Map<string, Point> };

const Impl = TableCanvasBase.extend({
  initialize(this: Self, options: L.RendererOptions) {
    (TableCanvasBase.prototype as unknown as { initialize(o: L.RendererOptions): void }).initialize.call(this, options);
    this._points = new Map();
  },

  set(this: Self, id: string, lat: number, lng: number, style: PointStyle) {
    const w = new Float64Array(2);
    worldPoint(this._map!, lat, lng, w);
    this._points.set(id, { w, style });
    this.requestDraw();
  },

  move(this: Self, id: string, lat: number, lng: number) {
    const p = this._points.get(id);
    if (!p) return;
    worldPoint(this._map!, lat, lng, p.w);
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

  _drawTable(this: Self, ctx: CanvasRenderingContext2D, k: number, origin: L.Point, b: L.Bounds) {
    // Group by layer, then by style, keeping table order within a style; positions on the canvas go in xy.
    const byZ = new Map<number, Map<PointStyle, number[]>>();
    for (const p of this._points.values()) {
      const s = p.style;
      if (s.radius <= 0) continue;
      const x = p.w[0] * k - origin.x, y = p.w[1] * k - origin.y;
      if (x < b.min!.x - s.radius || x > b.max!.x + s.radius || y < b.min!.y - s.radius || y > b.max!.y + s.radius) continue;
      let styles = byZ.get(s.z);
      if (!styles) byZ.set(s.z, (styles = new Map()));
      let xy = styles.get(s);
      if (!xy) styles.set(s, (xy = []));
      xy.push(x, y);
    }
    for (const z of [...byZ.keys()].sort((a, c) => a - c)) {
      for (const [s, xy] of byZ.get(z)!) {
        ctx.fillStyle = s.fill;
        if (!s.stroke) {
          ctx.globalAlpha = s.fillOpacity;
          ctx.beginPath();
          for (let i = 0; i < xy.length; i += 2) shape(ctx, s, xy[i], xy[i + 1]);
          ctx.fill();
          continue;
        }
        ctx.strokeStyle = s.stroke;
        ctx.lineWidth = s.weight;
        for (let i = 0; i < xy.length; i += 2) {
          ctx.beginPath();
          shape(ctx, s, xy[i], xy[i + 1]);
          ctx.globalAlpha = s.fillOpacity;
          ctx.fill();
          ctx.globalAlpha = 1;
          ctx.stroke();
        }
      }
    }
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
