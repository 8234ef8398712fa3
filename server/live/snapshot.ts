// A snapshot of one scope, read in one repeatable-read transaction together with the stream position it matches.
import type { Sql } from '../db/connect.ts';
import type { Config } from '../config.ts';
import type { LiveScope, Snapshot } from '../../shared/events.ts';
import type { Me, MapConfig } from '../../shared/api.ts';
import { LIVE_STATUSES } from '../../shared/tickets.ts';
import { categories } from '../catalog/routes.ts';
import { communitiesOf, gridsOf } from '../grids/queries.ts';
import { freshKpiBoard } from '../metrics/board.ts';
import { kpisFrom, wallKpiBoard, zeroCounters } from '../../shared/metrics.ts';
import { emptyHists } from '../reports/counters.ts';
import { openOffersFor } from '../dispatch/offers.ts';
import { selectResponders, toResponderView } from '../responders/views.ts';
import { recentTicker } from '../tickets/history.ts';
import { selectTickets, toTicketView } from '../tickets/views.ts';
import { offersInScope, respondersInScope, ticketsInScope } from '../auth/scope-sql.ts';

export async function buildSnapshot(sql: Sql, config: Config, scope: LiveScope, me: Me | null): Promise<Snapshot> {
  // The phone shows no KPI board (and gets no metrics:update): reading today's tickets of the whole street office
  // for each of a city's 10,000 phones made a phone's connect cost the server ~4 times a screen's. A screen takes the
  // shared board (server/metrics/board.ts) outside the transaction: it holds a connection of its own while computing.
  const kpis = scope.kind === 'responder' ? Promise.resolve(emptyBoard())
    : freshKpiBoard(sql, scope.streetOfficeId).then((b) => wallKpiBoard(b.board));
  const [snapshot, board] = await Promise.all([readSnapshot(sql, config, scope, me), kpis]);
  return { ...snapshot, kpis: board };
}

async function readSnapshot(sql: Sql, config: Config, scope: LiveScope, me: Me | null): Promise<Omit<Snapshot, 'kpis'>> {
  return sql.begin('isolation level repeatable read read only', async (tx) => {
    const [{ seq }] = await tx<{ seq: string }[]>`SELECT coalesce(max(seq), 0)::text AS seq FROM changes`;
    const so = scope.streetOfficeId;
    const [office] = await tx<{ id: string; name: string; name_en: string; center_lat: number; center_lng: number }[]>`SELECT id, name, name_en, center_lat, center_lng FROM street_offices WHERE id = ${so}`;
    const gridScope = scope.kind === 'grids' ? scope.gridIds : null;
    // Who sees what is the shared rule (auth/scope-sql.ts); the live screens add their own: open tickets only, and
    // responders on duty only (a responder always sees themselves).
    const ticketWhere = tx`${ticketsInScope(tx, scope)} AND t.status = ANY(${LIVE_STATUSES as string[]})`;
    const responderWhere = scope.kind === 'responder' ? respondersInScope(tx, scope) : tx`${respondersInScope(tx, scope)} AND r.duty_status <> 'off_duty'`;
    const offerWhere = offersInScope(tx, scope);

    // Issued together: postgres.js pipelines them on the transaction's connection, so the database works on the
    // next query while this process parses the rows of the last (10,000 responders, thousands of tickets).
    const [communities, grids, cats, tickets, responders, offers, ticker] = await Promise.all([
      communitiesOf(tx, so),
      // A phone shows no map of the street office: its own grids only (1,500 polygons were ~600 KB per connect).
      gridsOf(tx, so, scope.kind === 'responder' ? scope.gridIds : null),
      categories(tx),
      selectTickets(tx, ticketWhere, tx`ORDER BY t.id`),
      selectResponders(tx, responderWhere),
      openOffersFor(tx, offerWhere),
      scope.kind === 'responder' ? [] : recentTicker(tx, so, gridScope),
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
    };
  });
}

/** A board with nothing in it, for scopes that show none. */
const emptyBoard = (nowMs = Date.now()) => ({ since: new Date(nowMs).toISOString(), today: kpisFrom(zeroCounters(), emptyHists()), perCommunity: [] });
