// People as canvas squares (a responder never reads as a round ticket), drawn in one path per colour for 10,000 of them.
// Leaflet 1.9 (pinned) has no public shape or batch-draw hook: this uses the same internals its own Canvas code does.
import L from 'leaflet';

interface Internal {
  _ctx: CanvasRenderingContext2D;
  _drawing: boolean;
  _redrawBounds: L.Bounds | null;
  _drawFirst: { layer: SquareInternal; next: Internal['_drawFirst'] } | null;
  _fillStroke(ctx: CanvasRenderingContext2D, layer: unknown): void;
}
interface SquareInternal { _renderer: Internal; _point: L.Point; _radius: number; _pxBounds?: L.Bounds; _empty(): boolean; options: L.CircleMarkerOptions }

/** A square marker: same API as a circle marker (setLatLng, setStyle, setRadius = half the side). */
export const SquareMarker = L.CircleMarker.extend({
  _updatePath(this: SquareInternal) {
    const r = this._renderer;
    if (!r._drawing || this._empty()) return;
    const h = Math.max(this._radius, 1);
    r._ctx.beginPath();
    r._ctx.rect(this._point.x - h, this._point.y - h, 2 * h, 2 * h);
    r._fillStroke(r._ctx, this);
  },
}) as unknown as new (latlng: L.LatLngExpression, options: L.CircleMarkerOptions & { renderer: L.Canvas }) => L.CircleMarker;

/**
 * A canvas renderer for unstroked squares only. Leaflet draws each layer with its own path, alpha and fill (10,000
 * fill() calls per redraw, the main cost of a position update); this one adds all squares of the same colour to one
 * path and fills it once. Stacking order within a colour does not matter for same-coloured squares.
 */
const BatchedSquares = L.Canvas.extend({
  _draw(this: Internal) {
    const ctx = this._ctx;
    const bounds = this._redrawBounds;
    ctx.save();
    if (bounds) {
      const size = bounds.getSize();
      ctx.beginPath();
      ctx.rect(bounds.min!.x, bounds.min!.y, size.x, size.y);
      ctx.clip();
    }
    const groups = new Map<string, SquareInternal[]>();
    for (let order = this._drawFirst; order; order = order.next) {
      const layer = order.layer;
      if (layer._empty() || (bounds && !(layer._pxBounds && layer._pxBounds.intersects(bounds)))) continue;
      const key = `${layer.options.fillColor}|${layer.options.fillOpacity}`;
      let list = groups.get(key);
      if (!list) groups.set(key, (list = []));
      list.push(layer);
    }
    for (const [key, list] of groups) {
      const [color, opacity] = key.split('|');
      ctx.beginPath();
      for (const l of list) {
        const h = Math.max(l._radius, 1);
        ctx.rect(l._point.x - h, l._point.y - h, 2 * h, 2 * h);
      }
      ctx.globalAlpha = Number(opacity);
      ctx.fillStyle = color;
      ctx.fill();
    }
    ctx.restore();
  },
});

export function batchedSquaresRenderer(options: L.RendererOptions): L.Canvas {
  return new (BatchedSquares as unknown as new (o: L.RendererOptions) => L.Canvas)(options);
}
