// Categories (with their response and resolution targets) and the departments a ticket can be escalated to.
import type postgres from 'postgres';
import type { Deps } from '../http/types.ts';
import type { CategoryView, DepartmentView } from '../../shared/api.ts';
import { ROLES } from '../../shared/domain.ts';
import { route, type Route } from '../http/routes.ts';

type Q = postgres.Sql<Record<string, never>> | postgres.TransactionSql<Record<string, never>>;

export async function categories(q: Q): Promise<CategoryView[]> {
  const rows = await q<{ code: string; name_zh: string; name_en: string; urgency: string; skill: string; response_target_s: number; resolution_target_s: number }[]>`
    SELECT * FROM categories ORDER BY urgency DESC, code`;
  return rows.map((r) => ({ code: r.code, nameZh: r.name_zh, nameEn: r.name_en, urgency: r.urgency as CategoryView['urgency'], skill: r.skill as CategoryView['skill'], responseTargetMin: r.response_target_s / 60, resolutionTargetH: r.resolution_target_s / 3600 }));
}

export async function departments(q: Q): Promise<DepartmentView[]> {
  const rows = await q<{ code: string; name_zh: string; name_en: string }[]>`SELECT * FROM departments ORDER BY code`;
  return rows.map((r) => ({ code: r.code, nameZh: r.name_zh, nameEn: r.name_en }));
}

export function catalogRoutes({ sql }: Deps): Route[] {
  return [
    route({ method: 'GET', path: '/api/categories', allow: ROLES, async handler(ctx) { ctx.body = await categories(sql); } }),
    route({ method: 'GET', path: '/api/departments', allow: ROLES, async handler(ctx) { ctx.body = await departments(sql); } }),
  ];
}
