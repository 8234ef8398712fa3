// One tooltip for the whole map: layers register hit-tests by priority, so stacked canvases never fight over the mouse.
import L from 'leaflet';

export interface HoverHit {
  /** Stable identity, so moving within the same marker does not rebuild the tooltip. */
  key: string;
  latlng: L.LatLngExpression;
  content: () => HTMLElement;
}

export type HoverProbe = (latlng: L.LatLng, layerPoint: L.Point) => HoverHit | null;

/**
 * Leaflet's canvas renderers each cover the whole map, so only the top canvas would see the mouse.
 * Instead every vector layer is non-interactive and this arbiter asks each layer's probe in turn
 * (tickets before responders before grids) on a throttled mousemove; a click pins the tooltip.
 */
export class HoverArbiter {
  private probes: { priority: number; probe: HoverProbe }[] = [];
  private tip: L.Tooltip;
  private shownKey: string | null = null;
  private pinned = false;
  private pending: L.LeafletMouseEvent | null = null;
  private frame = 0;

  constructor(private map: L.Map) {
    this.tip = L.tooltip({ className: 'gridops-tip', direction: 'top', offset: [0, -8], opacity: 1 });
    map.on('mousemove', this.onMove, this);
    map.on('click', this.onClick, this);
    map.on('mouseout zoomstart', this.onLeave, this);
  }

  add(priority: number, probe: HoverProbe): () => void {
    const entry = { priority, probe };
    this.probes.push(entry);
    this.probes.sort((a, b) => b.priority - a.priority);
    return () => { this.probes = this.probes.filter((p) => p !== entry); };
  }

  destroy(): void {
    cancelAnimationFrame(this.frame);
    this.map.off('mousemove', this.onMove, this);
    this.map.off('click', this.onClick, this);
    this.map.off('mouseout zoomstart', this.onLeave, this);
    this.tip.remove();
  }

  private hitAt(e: L.LeafletMouseEvent): HoverHit | null {
    for (const { probe } of this.probes) {
      const hit = probe(e.latlng, e.layerPoint);
      if (hit) return hit;
    }
    return null;
  }

  private onMove(e: L.LeafletMouseEvent): void {
    if (this.pinned) return;
    this.pending = e;
    if (this.frame) return;
    // Hit-testing thousands of markers on every mouse event would be wasteful: once per frame is enough.
    this.frame = requestAnimationFrame(() => {
      this.frame = 0;
      if (this.pending) this.show(this.hitAt(this.pending));
    });
  }

  private onClick(e: L.LeafletMouseEvent): void {
    const hit = this.hitAt(e);
    this.pinned = false;
    this.show(hit);
    this.pinned = !!hit;
  }

  private onLeave(): void {
    if (!this.pinned) this.show(null);
  }

  private show(hit: HoverHit | null): void {
    if (!hit) {
      this.shownKey = null;
      this.tip.remove();
      this.map.getContainer().style.cursor = '';
      return;
    }
    this.map.getContainer().style.cursor = 'pointer';
    if (hit.key === this.shownKey) return;
    this.shownKey = hit.key;
    this.tip.setLatLng(hit.latlng).setContent(hit.content());
    if (!this.map.hasLayer(this.tip)) this.tip.addTo(this.map);
  }
}

/** Builds a small DOM fragment safely: resident-written text is never parsed as HTML. */
export function el(tag: string, className: string | null, ...children: (Node | string | null | false)[]): HTMLElement {
  const node = document.createElement(tag);
  if (className) node.className = className;
  for (const c of children) if (c) node.append(c);
  return node;
}

/** Pixel distance test for point markers: cheap lat/lng box first, then the exact projected distance. */
export function nearestPoint<T>(map: L.Map, layerPoint: L.Point, items: Iterable<[T, L.LatLng]>, radiusPx: number): T | null {
  let best: T | null = null;
  let bestD = radiusPx * radiusPx;
  const sw = map.layerPointToLatLng(layerPoint.add([-radiusPx, radiusPx]));
  const ne = map.layerPointToLatLng(layerPoint.add([radiusPx, -radiusPx]));
  for (const [item, ll] of items) {
    if (ll.lat < sw.lat || ll.lat > ne.lat || ll.lng < sw.lng || ll.lng > ne.lng) continue;
    const p = map.latLngToLayerPoint(ll);
    const d = (p.x - layerPoint.x) ** 2 + (p.y - layerPoint.y) ** 2;
    if (d <= bestD) { bestD = d; best = item; }
  }
  return best;
}
