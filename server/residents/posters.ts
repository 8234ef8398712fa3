// The QR posters' data for administrators: every community and grid of the office, and the address a QR code opens.
import type { Deps } from '../http/types.ts';
import type { PosterSheet } from '../../shared/residents.ts';
import { route, type Route } from '../http/routes.ts';

export function posterRoutes({ sql, config }: Deps): Route[] {
  return [
    route({
      method: 'GET', path: '/api/admin/posters', allow: ['admin'],
      async handler(ctx, p) {
        const [office] = await sql<{ id: string; name: string }[]>`SELECT id, name FROM street_offices WHERE id = ${p.streetOfficeId}`;
        const rows = await sql<{ community_id: string; community_name: string; phone: string | null; grid_id: string | null; grid_name: string | null; code: string | null }[]>`
          SELECT c.id AS community_id, c.name AS community_name, c.phone, g.id AS grid_id, g.name AS grid_name, g.code
          FROM communities c LEFT JOIN grids g ON g.community_id = c.id WHERE c.street_office_id = ${p.streetOfficeId} ORDER BY c.id, g.code`;
        const communities = new Map<string, PosterSheet['communities'][number]>();
        for (const r of rows) {
          const c = communities.get(r.community_id) ?? { id: r.community_id, name: r.community_name, phone: r.phone, grids: [] };
          if (r.grid_id) c.grids.push({ id: r.grid_id, name: r.grid_name!, code: r.code! });
          communities.set(r.community_id, c);
        }
        // The promise that holds for every category: the longest response target (10 minutes in the demo).
        const [{ min }] = await sql<{ min: number | null }[]>`SELECT max(response_target_s) / 60 AS min FROM categories`;
        const sheet: PosterSheet = {
          baseUrl: config.publicUrl ?? `${ctx.protocol}://${ctx.host}`, streetOffice: office, communities: [...communities.values()], promiseMin: Number(min ?? 10),
        };
        ctx.body = sheet;
      },
    }),
  ];
}
