// Where a stored WGS-84 point is drawn: shifted to GCJ-02 only when the tiles underneath are GCJ-02 (Gaode/Tencent).
import { toDisplay, type PolygonCoords, type TileCrs } from '../../shared/geo.ts';

/** The CRS to draw in: the tile layer's when there is one, else WGS-84 as stored (no tiles, nothing to match). */
export function displayCrs(map: { tileUrl: string | null; tileCrs: TileCrs }): TileCrs {
  return map.tileUrl ? map.tileCrs : 'wgs84';
}

/** Stored WGS-84 → the [lat, lng] to draw at. */
export function displayLatLng(crs: TileCrs, lat: number, lng: number): [number, number] {
  if (crs !== 'gcj02') return [lat, lng];
  const p = toDisplay({ lat, lng }, crs);
  return [p.lat, p.lng];
}

/** WGS-84 [[south, west], [north, east]] around polygons' outer rings ([lng, lat] as stored), or null for none. */
export function ringsBounds(polygons: PolygonCoords[]): [[number, number], [number, number]] | null {
  let s = 90, w = 180, n = -90, e = -180;
  for (const p of polygons) for (const [lng, lat] of p[0]) { s = Math.min(s, lat); n = Math.max(n, lat); w = Math.min(w, lng); e = Math.max(e, lng); }
  return polygons.length ? [[s, w], [n, e]] : null;
}
