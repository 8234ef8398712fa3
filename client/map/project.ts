// Where a stored WGS-84 point is drawn: shifted to GCJ-02 only when the tiles underneath are GCJ-02 (Gaode/Tencent).
import { toDisplay, type TileCrs } from '../../shared/geo.ts';

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
