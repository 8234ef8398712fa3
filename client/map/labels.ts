// Place names on the map without clutter: greedy placement by priority, a label only where it fits and collides with none.
import L from 'leaflet';
import { PANE_Z } from './context.ts';

export interface LabelSpec {
  id: string;
  text: string;
  /** Display coordinates of the label's centre. */
  lat: number;
  lng: number;
  kind: 'community' | 'grid';
  /** Higher is placed first. */
  priority: number;
  /** Display-coordinate box of the area named: the label shows only once that area is wider than the text. */
  box: { south: number; west: number; north: number; east: number };
}

const FONT_PX = { community: 16, grid: 12 };
const WEIGHT = { community: 700, grid: 400 };
/** Empty space kept around each label so neighbours stay legible at 5 m. */
const GAP_PX = 6;

interface Rect { x0: number; y0: number; x1: number; y1: number }

export class CollisionLabels {
  private specs: LabelSpec[] = [];
  private root: HTMLElement;
  private pool = new Map<string, HTMLElement>();
  private measure = document.createElement('canvas').getContext('2d')!;
  private widths = new Map<string, number>();

  constructor(private map: L.Map, pane: string, private scale: number) {
    this.root = L.DomUtil.create('div', 'gridops-labels', map.getPane(pane));
    map.on('zoomend moveend resize', this.layout, this);
    map.on('zoomstart', this.hide, this);
  }

  setLabels(specs: LabelSpec[]): void {
    this.specs = [...specs].sort((a, b) => b.priority - a.priority);
    this.layout();
  }

  setScale(scale: number): void {
    if (scale === this.scale) return;
    this.scale = scale;
    this.widths.clear();
    this.layout();
  }

  destroy(): void {
    this.map.off('zoomend moveend resize', this.layout, this);
    this.map.off('zoomstart', this.hide, this);
    this.root.remove();
  }

  /** Which labels are visible right now; tests read it to check for overlaps. */
  placed(): { id: string; rect: Rect }[] {
    return this.lastPlaced;
  }

  private lastPlaced: { id: string; rect: Rect }[] = [];

  private hide(): void {
    this.root.style.display = 'none';
  }

  private family: string | null = null;
  private font = '';

  private textWidth(spec: LabelSpec, px: number): number {
    const key = `${spec.kind}|${px}|${spec.text}`;
    let w = this.widths.get(key);
    if (w === undefined) {
      // Read once: a style read forces the browser to bring styles up to date, and the family never changes.
      this.family ??= getComputedStyle(document.body).fontFamily;
      // Set only when it changes: each assignment is parsed and its fonts looked up again.
      const font = `${WEIGHT[spec.kind]} ${px}px ${this.family}`;
      if (font !== this.font) this.measure.font = this.font = font;
      w = this.measure.measureText(spec.text).width;
      this.widths.set(key, w);
    }
    return w;
  }

  private layout(): void {
    const map = this.map;
    // Over a whole city the ticket dots are dense and small: names go on top of them there, below them when zoomed in.
    const pane = this.root.parentElement;
    if (pane) pane.style.zIndex = map.getZoom() < 13 ? String(PANE_Z.tickets + 5) : String(PANE_Z.labels);
    const size = map.getSize();
    const view = L.bounds(map.containerPointToLayerPoint([0, 0]), map.containerPointToLayerPoint([size.x, size.y]));
    const taken: Rect[] = [];
    const placed: { id: string; rect: Rect; spec: LabelSpec; px: number; at: L.Point }[] = [];
    for (const spec of this.specs) {
      const px = FONT_PX[spec.kind] * this.scale;
      const h = px * 1.3;
      const nw = map.latLngToLayerPoint([spec.box.north, spec.box.west]);
      const se = map.latLngToLayerPoint([spec.box.south, spec.box.east]);
      // Readable zoom: the named area must be tall and wide enough to hold its name (a grid's with room to spare).
      // Height first: over a whole city most grids fail it, and then their names need not be measured.
      if (se.y - nw.y < (spec.kind === 'grid' ? h * 1.6 : h)) continue;
      const w = this.textWidth(spec, px);
      if (se.x - nw.x < w + 2 * GAP_PX) continue;
      const at = map.latLngToLayerPoint([spec.lat, spec.lng]);
      const rect = { x0: at.x - w / 2 - GAP_PX, y0: at.y - h / 2 - GAP_PX, x1: at.x + w / 2 + GAP_PX, y1: at.y + h / 2 + GAP_PX };
      if (rect.x1 < view.min!.x || rect.x0 > view.max!.x || rect.y1 < view.min!.y || rect.y0 > view.max!.y) continue;
      if (taken.some((r) => r.x0 < rect.x1 && rect.x0 < r.x1 && r.y0 < rect.y1 && rect.y0 < r.y1)) continue;
      taken.push(rect);
      placed.push({ id: spec.id, rect, spec, px, at });
    }
    this.render(placed);
    this.lastPlaced = placed.map(({ id, rect }) => ({ id, rect }));
  }

  private render(placed: { id: string; spec: LabelSpec; px: number; at: L.Point }[]): void {
    const keep = new Set<string>();
    for (const { id, spec, px, at } of placed) {
      keep.add(id);
      let node = this.pool.get(id);
      if (!node) {
        node = L.DomUtil.create('div', `gridops-label ${spec.kind}`, this.root);
        node.dataset.labelId = id;
        this.pool.set(id, node);
      }
      if (node.textContent !== spec.text) node.textContent = spec.text;
      node.style.fontSize = `${px}px`;
      node.style.transform = `translate(${at.x}px, ${at.y}px) translate(-50%, -50%)`;
    }
    for (const [id, node] of this.pool) if (!keep.has(id)) { node.remove(); this.pool.delete(id); }
    this.root.style.display = '';
  }
}
