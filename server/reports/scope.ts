// Whose tickets a report covers, decided by the server from the database: office staff and managers the whole street
// office (or a community or grid of it), a grid leader only their own grids; everyone else nothing.
import { AppError } from '../../shared/errors.ts';
import type { ReportQuery, ReportScope } from '../../shared/reports.ts';
import { STAFF_ROLES } from '../../shared/domain.ts';
import type { UserPrincipal } from '../auth/principal.ts';
import type { Q } from './facts.ts';

/** Roles that read reports: office staff, leaders (their own grids) and managers; responders get 403. */
export const REPORT_ROLES = STAFF_ROLES;

type User = UserPrincipal;

export async function reportScope(sql: Q, p: User, q: Pick<ReportQuery, 'scope' | 'communityId' | 'gridId'>): Promise<ReportScope> {
  const mine = p.role === 'leader' ? p.gridIds : null;
  if (q.scope === 'street_office') {
    const [so] = await sql<{ name: string }[]>`SELECT name FROM street_offices WHERE id = ${p.streetOfficeId}`;
    return mine ? { kind: 'grids', id: null, name: '我的网格', gridIds: mine } : { kind: 'street_office', id: p.streetOfficeId, name: so.name, gridIds: null };
  }
  if (q.scope === 'community') {
    const [c] = await sql<{ name: string; grid_ids: string[] }[]>`
      SELECT c.name, ARRAY(SELECT g.id::text FROM grids g WHERE g.community_id = c.id ORDER BY g.id) AS grid_ids
      FROM communities c WHERE c.id = ${q.communityId!} AND c.street_office_id = ${p.streetOfficeId}`;
    if (!c) throw new AppError('not_found', 'no such community', 'communityId');
    const gridIds = mine ? c.grid_ids.filter((g) => mine.includes(g)) : c.grid_ids;
    if (mine && gridIds.length === 0) throw new AppError('forbidden', 'this community has none of your grids', 'communityId');
    return { kind: 'community', id: q.communityId!, name: c.name, gridIds };
  }
  const [g] = await sql<{ name: string; community: string }[]>`
    SELECT g.name, c.name AS community FROM grids g JOIN communities c ON c.id = g.community_id
    WHERE g.id = ${q.gridId!} AND g.street_office_id = ${p.streetOfficeId}`;
  if (!g) throw new AppError('not_found', 'no such grid', 'gridId');
  if (mine && !mine.includes(q.gridId!)) throw new AppError('forbidden', 'this grid is not one of yours', 'gridId');
  return { kind: 'grid', id: q.gridId!, name: `${g.community} ${g.name}`, gridIds: [q.gridId!] };
}
