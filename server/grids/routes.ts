// REST for the organisation: grids as GeoJSON, communities, and a grid import for administrators.
import type { AppRouter, Deps } from '../http/types.ts';
import { AppError } from '../../shared/errors.ts';
import { requireRole } from '../auth/principal.ts';
import { communitiesOf, gridsOf } from './queries.ts';
import { importGrids } from './import.ts';

export function registerGridRoutes(router: AppRouter, { sql }: Deps) {
  router.get('/api/grids', async (ctx) => {
    const p = ctx.state.principal;
    if (!p) throw new AppError('unauthorized', 'sign in first');
    const grids = await gridsOf(sql, p.streetOfficeId);
    ctx.body = {
      type: 'FeatureCollection',
      features: grids.map(({ polygon, ...props }) => ({ type: 'Feature', id: props.id, properties: props, geometry: { type: 'Polygon', coordinates: polygon } })),
    };
  });

  router.get('/api/communities', async (ctx) => {
    const p = ctx.state.principal;
    if (!p) throw new AppError('unauthorized', 'sign in first');
    ctx.body = await communitiesOf(sql, p.streetOfficeId);
  });

  router.post('/api/grids/import', async (ctx) => {
    const p = requireRole(ctx.state.principal, ['admin']);
    ctx.body = await importGrids(sql, p.streetOfficeId, ctx.request.body);
  });

  /** Address search over the seeded compounds (小区), for the intake form. */
  router.get('/api/places', async (ctx) => {
    const p = ctx.state.principal;
    if (!p) throw new AppError('unauthorized', 'sign in first');
    const q = String(ctx.query.q ?? '').trim();
    if (!q || q.length > 40) throw new AppError('bad_request', 'q: give 1 to 40 characters to search for', 'q');
    ctx.body = await sql`
      SELECT cp.id, cp.name, cp.lat, cp.lng, cp.grid_id AS "gridId", g.name AS "gridName"
      FROM compounds cp JOIN grids g ON g.id = cp.grid_id
      WHERE g.street_office_id = ${p.streetOfficeId} AND cp.name LIKE ${'%' + q.replace(/[%_\\]/g, (m) => '\\' + m) + '%'}
      ORDER BY length(cp.name), cp.id LIMIT 20`;
  });
}
