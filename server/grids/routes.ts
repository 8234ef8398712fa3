// REST for the organisation: grids as GeoJSON, communities, address search, and a grid import for administrators.
import type { Deps } from '../http/types.ts';
import { AppError } from '../../shared/errors.ts';
import { ROLES } from '../../shared/domain.ts';
import { route, type Route } from '../http/routes.ts';
import { communitiesOf, gridsOf } from './queries.ts';
import { importGrids } from './import.ts';

export function gridRoutes({ sql }: Deps): Route[] {
  return [
    route({
      method: 'GET', path: '/api/grids', allow: ROLES,
      async handler(ctx, p) {
        const grids = await gridsOf(sql, p.streetOfficeId);
        ctx.body = {
          type: 'FeatureCollection',
          features: grids.map(({ polygon, ...props }) => ({ type: 'Feature', id: props.id, properties: props, geometry: { type: 'Polygon', coordinates: polygon } })),
        };
      },
    }),
    route({ method: 'GET', path: '/api/communities', allow: ROLES, async handler(ctx, p) { ctx.body = await communitiesOf(sql, p.streetOfficeId); } }),
    route({
      method: 'POST', path: '/api/grids/import', allow: ['admin'], bodyLimit: '20mb',
      async handler(ctx, p) { ctx.body = await importGrids(sql, p.streetOfficeId, ctx.request.body); },
    }),
    /** Address search over the seeded compounds (小区), for the intake form. */
    route({
      method: 'GET', path: '/api/places', allow: ROLES,
      async handler(ctx, p) {
        const q = typeof ctx.query.q === 'string' ? ctx.query.q.trim() : '';
        if (!q || q.length > 40) throw new AppError('bad_request', 'q: give 1 to 40 characters to search for', 'q');
        ctx.body = await sql`
          SELECT cp.id, cp.name, cp.lat, cp.lng, cp.grid_id AS "gridId", g.name AS "gridName"
          FROM compounds cp JOIN grids g ON g.id = cp.grid_id
          WHERE g.street_office_id = ${p.streetOfficeId} AND cp.name LIKE ${'%' + q.replace(/[%_\\]/g, (m) => '\\' + m) + '%'}
          ORDER BY length(cp.name), cp.id LIMIT 20`;
      },
    }),
  ];
}
