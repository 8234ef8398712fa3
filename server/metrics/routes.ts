// Today's KPI board over REST (the wall gets it in its snapshot and live); period reports are in server/reports/.
import type { Deps } from '../http/types.ts';
import { STAFF_ROLES } from '../../shared/domain.ts';
import { route, type Route } from '../http/routes.ts';
import { freshKpiBoard } from './board.ts';

export function metricRoutes({ sql }: Deps): Route[] {
  return [
    route({ method: 'GET', path: '/api/metrics/today', allow: STAFF_ROLES, async handler(ctx, p) { ctx.body = (await freshKpiBoard(sql, p.streetOfficeId)).board; } }),
  ];
}
