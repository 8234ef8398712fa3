// Grid polygons (1,500 over a city) on one canvas: an id → polygon table drawn by a TableCanvas, one path per fill colour
// and one outline path for all of them, where Leaflet drew, projected and clipped 1,500 polygons one by one.
// Each polygon is a Path2D made once, in zoom-0 pixels relative to the first polygon's first vertex (small numbers,
// so the path's float32 coordinates stay exact to a thousandth of a pixel at street zoom); a draw scales the canvas to
// the zoom, and the grouped paths are reused until a polygon is added, removed or restyled.
import type L from 'leaflet';
import { TableCanvasBase, worldPoint, type TableCanvas, type TableCanvasInternals } from './canvas.ts';

/** A polygon's fill. Polygons sharing one style object are filled together, so reuse style objects. */
export interface PolygonStyle { fill: string; fillOpacity: number }
export interface Outline { color: string; weight: number; opacity: number }

interface Polygon { style: PolygonStyle; path: Path2D }

export interface PolygonCanvas extends TableCanvas {
  set(id: string, rings: [number, number][][], style: PolygonStyle): void;
  restyle(id: string, style: PolygonStyle): void;
  delete(id: string): void;
  clear(): void;
  setOutline(outline: Outline): void;
}

type Self = PolygonCanvas & TableCanvasInternals & {
  _polygons: Map<string, Polygon>;
  _outline: Outline;
  /** Zoom-0 pixel position the paths are relative to (set by the first polygon). */
  _ref: Float64Array | null;
  /** Fill paths by style and the outline path of all polygons, made at the next draw after a change. */
  _fills: Map<PolygonStyle, Path2D> | null;
  _outlines: Path2D | null;
  _changed(): void;
};

const Impl = TableCanvasBase.extend({
  initialize(this: Self, options: L.RendererOptions & { outline: Outline }) {
    (TableCanvasBase.prototype as unknown as { initialize(o: L.RendererOptions): void }).initialize.call(this, options);
    this._polygons = new Map();
    this._outline = options.outline;
    this._ref = null;
    this._fills = null;
    this._outlines = null;
  },

  set(this: Self, id: string, rings: [number, number][][], style: PolygonStyle) {
    const w = new Float64Array(2);
    const path = new Path2D();
    for (const ring of rings) {
      for (let i = 0; i < ring.length; i++) {
        worldPoint(this._map!, ring[i][0], ring[i][1], w);
        if (!this._ref) this._ref = Float64Array.from(w);
        const x = w[0] - this._ref[0], y = w[1] - this._ref[1];
        if (i === 0) path.moveTo(x, y);
        else path.lineTo(x, y);
      }
      path.closePath();
    }
    this._polygons.set(id, { style, path });
    this._changed();
  },

  restyle(this: Self, id: string, style: PolygonStyle) {
    const p = this._polygons.get(id);
    if (p && p.style !== style) { p.style = style; this._changed(); }
  },

  delete(this: Self, id: string) {
    if (this._polygons.delete(id)) this._changed();
  },

  clear(this: Self) {
    this._polygons.clear();
    this._ref = null;
    this._changed();
  },

  setOutline(this: Self, outline: Outline) {
    this._outline = outline;
    this.requestDraw();
  },

  _changed(this: Self) {
    this._fills = null;
    this._outlines = null;
    this.requestDraw();
  },

  _drawTable(this: Self, ctx: CanvasRenderingContext2D, k: number, origin: L.Point) {
    const ref = this._ref;
    if (!ref) return;
    if (!this._fills || !this._outlines) {
      this._fills = new Map();
      this._outlines = new Path2D();
      for (const p of this._polygons.values()) {
        let fill = this._fills.get(p.style);
        if (!fill) this._fills.set(p.style, (fill = new Path2D()));
        fill.addPath(p.path);
        this._outlines.addPath(p.path);
      }
    }
    // Layer point = (ref + local) * k - origin: scale the canvas instead of every vertex. The canvas clips what is off it.
    ctx.transform(k, 0, 0, k, ref[0] * k - origin.x, ref[1] * k - origin.y);
    for (const [s, path] of this._fills) {
      ctx.globalAlpha = s.fillOpacity;
      ctx.fillStyle = s.fill;
      ctx.fill(path, 'evenodd');
    }
    // Outlines last and all at once: neighbours share edges, so no fill may cover a border drawn before it.
    const o = this._outline;
    ctx.globalAlpha = o.opacity;
    ctx.strokeStyle = o.color;
    ctx.lineWidth = o.weight / k;
    ctx.lineJoin = 'round';
    ctx.stroke(this._outlines);
  },
});

export function polygonCanvas(options: L.RendererOptions & { outline: Outline }): PolygonCanvas {
  return new (Impl as unknown as new (o: L.RendererOptions & { outline: Outline }) => PolygonCanvas)(options);
}
