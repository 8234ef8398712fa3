// Where a grid's name is drawn: the centroid when it falls inside, otherwise the middle of the widest horizontal cut.
import { pointInPolygon, type LatLng, type PolygonCoords } from '../../shared/geo.ts';

export function labelPoint(polygon: PolygonCoords): LatLng {
  const ring = polygon[0];
  let x = 0, y = 0;
  for (const [lng, lat] of ring.slice(0, -1)) { x += lng; y += lat; }
  const n = ring.length - 1;
  const centroid = { lng: x / n, lat: y / n };
  if (pointInPolygon(centroid, polygon)) return centroid;
  // Concave shape: cut horizontally through the centroid's latitude and take the longest inside segment.
  const xs: number[] = [];
  for (let i = 0; i < ring.length - 1; i++) {
    const [x1, y1] = ring[i], [x2, y2] = ring[i + 1];
    if ((y1 <= centroid.lat && y2 > centroid.lat) || (y2 <= centroid.lat && y1 > centroid.lat)) {
      xs.push(x1 + ((centroid.lat - y1) / (y2 - y1)) * (x2 - x1));
    }
  }
  xs.sort((a, b) => a - b);
  let best = { lng: centroid.lng, lat: centroid.lat }, width = -1;
  for (let i = 0; i + 1 < xs.length; i += 2) {
    if (xs[i + 1] - xs[i] > width) { width = xs[i + 1] - xs[i]; best = { lng: (xs[i] + xs[i + 1]) / 2, lat: centroid.lat }; }
  }
  return best;
}
