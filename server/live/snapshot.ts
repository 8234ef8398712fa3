// A snapshot of one scope, read in one repeatable-read transaction together with the stream position it matches.
import type { Sql } from '../db/connect.ts';
import type { Config } from '../config.ts';
import type { LiveScope, Snapshot } from '../../shared/events.ts';
import type { Me, MapConfig } from '../../shared/api.ts';
import { LIVE_STATUSES } from '../../shared/tickets.ts';
import { categories } from '../catalog/routes.ts';
import { communitiesOf, gridsOf } from '../grids/queries.ts';
import { kpiBoard } from '../metrics/kpis.ts';
import { openOffersFor } from '../dispatch/offers.ts';
import { selectResponders, toResponderView } from '../responders/views.ts';
import { recentTicker } from '../tickets/history.ts';
import { selectTickets, toTicketView } from '../tickets/views.ts';

export async function buildSnapshot(sql: Sql, config: Config, scope: LiveScope, me: Me | null): Promise<Snapshot> {
  return sql.begin('isolation level repeatable read read only', async (tx) => {
    const [{ seq }] = await tx<{ seq: string }[]>`SELECT coalesce(max(seq), 0)::text AS seq FROM changes`;
    const so = scope.streetOfficeId;
    const [office] = await tx<{ id: string; name: string; name_en: string; center_lat: number; center_lng: number }[]>`SELECT id, name, name_en, center_lat, center_lng FROM street_offices WHERE id = ${so}`;
    const gridScope = scope.kind === 'grids' ? scope.gridIds : null;

    const ticketWhere = scope.kind === 'responder'
      ? tx`t.street_office_id = ${so} AND t.status = ANY(${LIVE_STATUSES as string[]}) AND (t.assignee_id = ${scope.responderId} OR o.responder_id = ${scope.responderId})`
      : tx`t.street_office_id = ${so} AND t.status = ANY(${LIVE_STATUSES as string[]}) ${gridScope ? tx`AND t.grid_id = ANY(${gridScope}::bigint[])` : tx``}`;
    const responderWhere = scope.kind === 'responder'
      ? tx`r.id = ${scope.responderId}`
      : tx`r.street_office_id = ${so} AND r.duty_status <> 'off_duty' ${gridScope ? tx`AND EXISTS (SELECT 1 FROM responder_grids x WHERE x.responder_id = r.id AND x.grid_id = ANY(${gridScope}::bigint[]))` : tx``}`;
    const offerWhere = scope.kind === 'responder'
      ? tx`o.responder_id = ${scope.responderId}`
      : tx`t.street_office_id = ${so} ${gridScope ? tx`AND t.grid_id = ANY(${gridScope}::bigint[])` : tx``}`;

    // Issued together: postgres.js pipelines them on the transaction's connection, so the database works on the
    // next query while this process parses the rows of the last (10,000 responders, thousands of tickets).
    const [communities, grids, cats, tickets, responders, offers, ticker, kpis] = await Promise.all([
      communitiesOf(tx, so),
      // A phone shows no map of the street office: its own grids only (1,500 polygons were ~600 KB per connect).
      gridsOf(tx, so, scope.kind === 'responder' ? scope.gridIds : null),
      categories(tx),
      selectTickets(tx, ticketWhere, tx`ORDER BY t.id`),
      selectResponders(tx, responderWhere),
      openOffersFor(tx, offerWhere),
      scope.kind === 'responder' ? [] : recentTicker(tx, so, gridScope),
      kpiBoard(tx, so),
    ]);
    const map: MapConfig = {
      tileUrl: config.tileUrl, tileCrs: config.tileCrs, tileAttribution: config.tileAttribution,
      center: [office.center_lat, office.center_lng], zoom: 14,
    };
    return {
      seq,
      serverTime: new Date().toISOString(),
      scope,
      me,
      streetOffice: { id: office.id, name: office.name, nameEn: office.name_en },
      map,
      communities,
      grids,
      categories: cats,
      tickets: tickets.map(toTicketView),
      responders: responders.map(toResponderView),
      offers,
      ticker,
      kpis,
    };
  });
}
