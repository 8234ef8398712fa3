// Coordinates: validation, distance, point in polygon, and WGS-84 → GCJ-02 for tiles that need it.
import booleanPointInPolygon from '@turf/boolean-point-in-polygon';
import gcoord from 'gcoord';

export interface LatLng { lat: number; lng: number }
/** GeoJSON polygon rings as [lng, lat] pairs (WGS-84, as stored). */
export type PolygonCoords = number[][][];

/** Great-circle distance in metres. */
export function distanceM(a: LatLng, b: LatLng): number {
  const R = 6371008.8;
  const toRad = Math.PI / 180;
  const dLat = (b.lat - a.lat) * toRad;
  const dLng = (b.lng - a.lng) * toRad;
  const h = Math.sin(dLat / 2) ** 2 + Math.cos(a.lat * toRad) * Math.cos(b.lat * toRad) * Math.sin(dLng / 2) ** 2;
  return 2 * R * Math.asin(Math.min(1, Math.sqrt(h)));
}

export function pointInPolygon(p: LatLng, polygon: PolygonCoords): boolean {
  return booleanPointInPolygon([p.lng, p.lat], { type: 'Polygon', coordinates: polygon });
}

export function bbox(polygon: PolygonCoords): { minLng: number; minLat: number; maxLng: number; maxLat: number } {
  let minLng = Infinity, minLat = Infinity, maxLng = -Infinity, maxLat = -Infinity;
  for (const ring of polygon) for (const [lng, lat] of ring) {
    if (lng < minLng) minLng = lng; if (lng > maxLng) maxLng = lng;
    if (lat < minLat) minLat = lat; if (lat > maxLat) maxLat = lat;
  }
  return { minLng, minLat, maxLng, maxLat };
}

/** Coordinate systems a tile layer can be in. CGCS2000 (Tianditu) is used as WGS-84. */
export const TILE_CRS = ['wgs84', 'cgcs2000', 'gcj02'] as const;
export type TileCrs = (typeof TILE_CRS)[number];

/** Shifts a stored WGS-84 point for display on tiles of `crs`. */
export function toDisplay(p: LatLng, crs: TileCrs): LatLng {
  if (crs !== 'gcj02') return p;
  const [lng, lat] = gcoord.transform([p.lng, p.lat], gcoord.WGS84, gcoord.GCJ02) as [number, number];
  return { lat, lng };
}

/** Estimated travel time: straight-line distance × a road factor, at the responder's speed. */
export const ROAD_FACTOR = 1.3;
export const SPEED_M_PER_S = { walk: 1.3, ride: 4.2 } as const;
export function etaSeconds(from: LatLng, to: LatLng, mode: keyof typeof SPEED_M_PER_S = 'ride'): number {
  return (distanceM(from, to) * ROAD_FACTOR) / SPEED_M_PER_S[mode];
}
