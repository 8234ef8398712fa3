// The office's side of Open311: administrators issue and revoke API keys (the admin page), duty staff place requests
// whose address named no known place (the console), which turns them into tickets and answers their tokens.
import type { Deps } from '../http/types.ts';
import { AppError } from '../../shared/errors.ts';
import { OPEN311_BASE, createOpen311KeyBody, placePendingBody, type PendingOpen311View } from '../../shared/open311.ts';
import type { TicketView } from '../../shared/api.ts';
import { route, type Route } from '../http/routes.ts';
import { parse, parseId } from '../http/validate.ts';
import { autoDispatchLater } from '../dispatch/auto.ts';
import { insertTicket } from '../tickets/create.ts';
import { createKey, listKeys, revokeKey } from './keys.ts';

export function open311AdminRoutes(deps: Deps): Route[] {
  const { sql, config } = deps;
  return [
    route({
      method: 'GET', path: '/api/admin/open311-keys', allow: ['admin'],
      async handler(ctx, p) {
        const [office] = await sql<{ jurisdiction_id: string }[]>`SELECT jurisdiction_id FROM street_offices WHERE id = ${p.streetOfficeId}`;
        ctx.body = { keys: await listKeys(sql, p.streetOfficeId), jurisdictionId: office.jurisdiction_id, endpoint: `${config.publicUrl ?? `${ctx.protocol}://${ctx.host}`}${OPEN311_BASE}` };
      },
    }),
    route({
      method: 'POST', path: '/api/admin/open311-keys', allow: ['admin'],
      async handler(ctx, p) {
        const { name } = parse(createOpen311KeyBody, ctx.request.body);
        ctx.status = 201;
        ctx.body = await createKey(sql, p.streetOfficeId, name, p.userId);
      },
    }),
    route({
      method: 'POST', path: '/api/admin/open311-keys/:id/revoke', allow: ['admin'], body: 'none',
      async handler(ctx, p) { ctx.body = await revokeKey(sql, p.streetOfficeId, { id: parseId(ctx.params.id) }); },
    }),
    route({
      method: 'GET', path: '/api/open311/pending', allow: ['admin', 'duty'],
      async handler(ctx, p) {
        const rows = await sql<{ id: string; token: string; received_at: Date; category: string; name_zh: string; request: { description: string; address_string?: string }; key_name: string }[]>`
          SELECT o.id, o.token, o.received_at, o.category, c.name_zh, o.request, k.name AS key_name
          FROM open311_pending o JOIN categories c ON c.code = o.category JOIN open311_keys k ON k.id = o.key_id
          WHERE o.street_office_id = ${p.streetOfficeId} AND o.ticket_id IS NULL ORDER BY o.received_at LIMIT 100`;
        ctx.body = rows.map((r): PendingOpen311View => ({
          id: r.id, token: r.token, receivedAt: r.received_at.toISOString(), category: r.category, categoryName: r.name_zh,
          description: r.request.description, addressString: r.request.address_string ?? null, keyName: r.key_name,
        }));
      },
    }),
    route({
      method: 'POST', path: '/api/open311/pending/:id/place', allow: ['admin', 'duty'],
      async handler(ctx, p) {
        const id = parseId(ctx.params.id);
        const { gridId } = parse(placePendingBody, ctx.request.body);
        const ticket = await sql.begin(async (tx): Promise<TicketView> => {
          const [row] = await tx<{ ticket_id: string | null; category: string; key_name: string; request: Record<string, unknown> & { description: string; intake: Record<string, unknown>; attributes: Record<string, unknown> } }[]>`
            SELECT o.ticket_id, o.category, k.name AS key_name, o.request FROM open311_pending o JOIN open311_keys k ON k.id = o.key_id
            WHERE o.id = ${id} AND o.street_office_id = ${p.streetOfficeId} FOR UPDATE OF o`;
          if (!row) throw new AppError('not_found', 'no such waiting request');
          if (row.ticket_id) throw new AppError('conflict', `already placed: ticket ${row.ticket_id}`);
          const [g] = await tx<{ id: string; label_lat: number; label_lng: number }[]>`SELECT id, label_lat, label_lng FROM grids WHERE id = ${gridId} AND street_office_id = ${p.streetOfficeId}`;
          if (!g) throw new AppError('bad_request', 'gridId: no such grid in this street office', 'gridId');
          const r = row.request;
          const made = await insertTicket(tx, {
            streetOfficeId: p.streetOfficeId, gridId: g.id, category: row.category, channel: 'open311', description: r.description,
            lat: g.label_lat, lng: g.label_lng, address: typeof r.address_string === 'string' ? r.address_string : null,
            reporterName: typeof r.reporter_name === 'string' ? r.reporter_name : null, reporterPhone: typeof r.phone === 'string' ? r.phone : null,
            actor: { userId: p.userId, responderId: null, label: `Open311 · ${row.key_name}（${p.displayName}定位）` }, createdBy: p.userId,
            idempotencyKey: `open311-pending:${id}`, attributes: r.attributes, intake: r.intake,
          });
          await tx`UPDATE open311_pending SET ticket_id = ${made.ticket.id}, placed_at = now(), placed_by = ${p.userId} WHERE id = ${id}`;
          return made.ticket;
        });
        autoDispatchLater(deps, ticket.id);
        ctx.status = 201;
        ctx.body = ticket;
      },
    }),
  ];
}
