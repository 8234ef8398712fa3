// Grid polygons (1,500 over a city) on one canvas: an id → polygon table drawn by a TableCanvas, one path per fill colour
// and one outline path for all of them, where Leaflet drew, projected and clipped 1,500 polygons one by one.
import type L from 'leaflet';
import { TableCanvasBase, type TableCanvas, type TableCanvasInternals } from './canvas.ts';

/** A polygon's fill. Polygons sharing one style object are filled together, so reuse style objects. */
export interface PolygonStyle { fill: string; fillOpacity: number }
export interface Outline { color: string; weight: number; opacity: number }

interface Polygon {
  /** Rings (outer first, then holes) as display [lat, lng]. */
  rings: [number, number][][];
  style: PolygonStyle;
  /** The rings as pixel x, y pairs at `zoom`, and their box; projected when drawn. */
  px: Float64Array[];
  zoom: number;
  box: { x0: number; y0: number; x1: number; y1: number };
}

export interface PolygonCanvas extends TableCanvas {
  set(id: string, rings: [number, number][][], style: PolygonStyle): void;
  restyle(id: string, style: PolygonStyle): void;
  delete(id: string): void;
  clear(): void;
  setOutline(outline: Outline): void;
}

type Self = PolygonCanvas & TableCanvasInternals & { _polygons: Map<string, Polygon>; _outline: Outline; _project(p: Polygon, zoom: number): void };

const Impl = TableCanvasBase.extend({
  initialize(this: Self, options: L.RendererOptions & { outline: Outline }) {
    (TableCanvasBase.prototype as unknown as { initialize(o: L.RendererOptions): void }).initialize.call(this, options);
    this._polygons = new Map();
    this._outline = options.outline;
  },

  set(this: Self, id: string, rings: [number, number][][], style: PolygonStyle) {
    this._polygons.set(id, { rings, style, px: [], zoom: NaN, box: { x0: 0, y0: 0, x1: 0, y1: 0 } });
    this.requestDraw();
  },

  restyle(this: Self, id: string, style: PolygonStyle) {
    const p = this._polygons.get(id);
    if (p && p.style !== style) { p.style = style; this.requestDraw(); }
  },

  delete(this: Self, id: string) {
    if (this._polygons.delete(id)) this.requestDraw();
  },

  clear(this: Self) {
    this._polygons.clear();
    this.requestDraw();
  },

  setOutline(this: Self, outline: Outline) {
    this._outline = outline;
    this.requestDraw();
  },

  _project(this: Self, p: Polygon, zoom: number) {
    const map = this._map!;
    const box = { x0: Infinity, y0: Infinity, x1: -Infinity, y1: -Infinity };
    p.px = p.rings.map((ring) => {
      const out = new Float64Array(ring.length * 2);
      ring.forEach((ll, i) => {
        const pt = map.project(ll, zoom);
        out[2 * i] = pt.x;
        out[2 * i + 1] = pt.y;
        if (pt.x < box.x0) box.x0 = pt.x;
        if (pt.x > box.x1) box.x1 = pt.x;
        if (pt.y < box.y0) box.y0 = pt.y;
        if (pt.y > box.y1) box.y1 = pt.y;
      });
      return out;
    });
    p.box = box;
    p.zoom = zoom;
  },

  _drawTable(this: Self, ctx: CanvasRenderingContext2D, zoom: number, origin: L.Point, b: L.Bounds) {
    const visible: Polygon[] = [];
    for (const p of this._polygons.values()) {
      if (p.zoom !== zoom) this._project(p, zoom);
      const x = p.box;
      if (x.x1 - origin.x < b.min!.x || x.x0 - origin.x > b.max!.x || x.y1 - origin.y < b.min!.y || x.y0 - origin.y > b.max!.y) continue;
      visible.push(p);
    }
    const trace = (p: Polygon) => {
      for (const ring of p.px) {
        ctx.moveTo(ring[0] - origin.x, ring[1] - origin.y);
        for (let i = 2; i < ring.length; i += 2) ctx.lineTo(ring[i] - origin.x, ring[i + 1] - origin.y);
        ctx.closePath();
      }
    };
    const byStyle = new Map<PolygonStyle, Polygon[]>();
    for (const p of visible) {
      let list = byStyle.get(p.style);
      if (!list) byStyle.set(p.style, (list = []));
      list.push(p);
    }
    for (const [s, list] of byStyle) {
      ctx.beginPath();
      for (const p of list) trace(p);
      ctx.globalAlpha = s.fillOpacity;
      ctx.fillStyle = s.fill;
      ctx.fill('evenodd');
    }
    // Outlines last and all at once: neighbours share edges, so no fill may cover a border drawn before it.
    const o = this._outline;
    ctx.beginPath();
    for (const p of visible) trace(p);
    ctx.globalAlpha = o.opacity;
    ctx.strokeStyle = o.color;
    ctx.lineWidth = o.weight;
    ctx.lineJoin = 'round';
    ctx.stroke();
  },
});

export function polygonCanvas(options: L.RendererOptions & { outline: Outline }): PolygonCanvas {
  return new (Impl as unknown as new (o: L.RendererOptions & { outline: Outline }) => PolygonCanvas)(options);
}
