// Grid polygons (1,500 over a city) on one canvas: an id → polygon table drawn by a TableCanvas, one path per fill colour
// and one outline path for all of them, where Leaflet drew, projected and clipped 1,500 polygons one by one.
import type L from 'leaflet';
import { TableCanvasBase, worldPoint, type TableCanvas, type TableCanvasInternals } from './canvas.ts';

/** A polygon's fill. Polygons sharing one style object are filled together, so reuse style objects. */
export interface PolygonStyle { fill: string; fillOpacity: number }
export interface Outline { color: string; weight: number; opacity: number }

interface Polygon {
  style: PolygonStyle;
  /** The rings (outer first, then holes) as x, y pairs at zoom 0 (worldPoint), and their box. */
  w: Float64Array[];
  box: { x0: number; y0: number; x1: number; y1: number };
}

export interface PolygonCanvas extends TableCanvas {
  set(id: string, rings: [number, number][][], style: PolygonStyle): void;
  restyle(id: string, style: PolygonStyle): void;
  delete(id: string): void;
  clear(): void;
  setOutline(outline: Outline): void;
}

type Self = PolygonCanvas & TableCanvasInternals & { _polygons: Map<string, Polygon>; _outline: Outline };

const Impl = TableCanvasBase.extend({
  initialize(this: Self, options: L.RendererOptions & { outline: Outline }) {
    (TableCanvasBase.prototype as unknown as { initialize(o: L.RendererOptions): void }).initialize.call(this, options);
    this._polygons = new Map();
    this._outline = options.outline;
  },

  set(this: Self, id: string, rings: [number, number][][], style: PolygonStyle) {
    const box = { x0: Infinity, y0: Infinity, x1: -Infinity, y1: -Infinity };
    const w = rings.map((ring) => {
      const out = new Float64Array(ring.length * 2);
      for (let i = 0; i < ring.length; i++) {
        worldPoint(this._map!, ring[i][0], ring[i][1], out, 2 * i);
        const x = out[2 * i], y = out[2 * i + 1];
        if (x < box.x0) box.x0 = x;
        if (x > box.x1) box.x1 = x;
        if (y < box.y0) box.y0 = y;
        if (y > box.y1) box.y1 = y;
      }
      return out;
    });
    this._polygons.set(id, { style, w, box });
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

  _drawTable(this: Self, ctx: CanvasRenderingContext2D, k: number, origin: L.Point, b: L.Bounds) {
    const visible: Polygon[] = [];
    for (const p of this._polygons.values()) {
      const x = p.box;
      if (x.x1 * k - origin.x < b.min!.x || x.x0 * k - origin.x > b.max!.x || x.y1 * k - origin.y < b.min!.y || x.y0 * k - origin.y > b.max!.y) continue;
      visible.push(p);
    }
    const ox = origin.x, oy = origin.y;
    const trace = (p: Polygon) => {
      for (const ring of p.w) {
        ctx.moveTo(ring[0] * k - ox, ring[1] * k - oy);
        for (let i = 2; i < ring.length; i += 2) ctx.lineTo(ring[i] * k - ox, ring[i + 1] * k - oy);
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
