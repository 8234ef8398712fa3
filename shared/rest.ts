// The REST contract the clients use, once: each endpoint's method and path, the schema of its body (checked in the
// browser before sending, and again by the server at its boundary), and the shape of its answer. client/api.ts
// is typed by it; test/rest-contract.test.ts checks it against the server's route table, both ways.
import type { z } from 'zod';
import type { CandidateView, CategoryView, CommunityView, DepartmentView, DisplayLinkView, GridView, Me, NewDisplayLink, Page, ResponderView, RevealedPhone, TicketDetail, TicketView } from './api.ts';
import type { DuplicateView, LinkReportResult } from './dispatch-api.ts';
import type { BreakdownDim, BreakdownRow, DrillPage, Report } from './reports.ts';
import { guardedOfferBody, linkReportBody } from './dispatch-api.ts';
import { ACTION_BODIES, createDisplayLinkBody, createTicketBody, dutyBody, loginBody, rateBody, type RestAction } from './schemas.ts';
import { publicReportBody, residentRatingBody, type PlaceAnswer, type PosterSheet, type PublicTicketView, type ReportContext, type ReportReceipt } from './residents.ts';
import { createOpen311KeyBody, placePendingBody, type NewOpen311Key, type Open311KeyView, type PendingOpen311View } from './open311.ts';

/** GET /api/grids: the grids as GeoJSON (the reports' map draws it; other tools read it too). */
export interface GridCollection {
  type: 'FeatureCollection';
  features: Array<{ type: 'Feature'; id: string; properties: Omit<GridView, 'polygon'>; geometry: { type: 'Polygon'; coordinates: GridView['polygon'] } }>;
}

/** An endpoint: its body schema (or none) and, as a type only, what it answers. */
export interface Endpoint<Res, Body extends z.ZodType | null = null> { body: Body; res?: Res }
const get = <Res>(): Endpoint<Res> => ({ body: null });
const post = <Res, B extends z.ZodType | null>(body: B): Endpoint<Res, B> => ({ body });

export const REST = {
  'POST /api/auth/login': post<Me, typeof loginBody>(loginBody),
  'POST /api/auth/logout': post<void, null>(null),
  'GET /api/me': get<Me>(),
  'GET /api/tickets': get<Page<TicketView>>(),
  'POST /api/tickets': post<TicketView, typeof createTicketBody>(createTicketBody),
  'GET /api/tickets/:id': get<TicketDetail>(),
  'POST /api/tickets/:id/phone': post<RevealedPhone, null>(null),
  'POST /api/tickets/:id/rating': post<TicketView, typeof rateBody>(rateBody),
  'GET /api/tickets/:id/candidates': get<CandidateView[]>(),
  'GET /api/categories': get<CategoryView[]>(),
  'GET /api/departments': get<DepartmentView[]>(),
  'GET /api/communities': get<CommunityView[]>(),
  'GET /api/places': get<Array<{ id: string; name: string; lat: number; lng: number; gridId: string; gridName: string }>>(),
  'GET /api/responders': get<ResponderView[]>(),
  'POST /api/duty': post<ResponderView, typeof dutyBody>(dutyBody),
  'GET /api/dispatch/duplicates': get<DuplicateView[]>(),
  'GET /api/dispatch/tickets/:id/linked': get<TicketView[]>(),
  'POST /api/dispatch/link-report': post<LinkReportResult, typeof linkReportBody>(linkReportBody),
  'POST /api/dispatch/tickets/:id/offer': post<TicketView, typeof guardedOfferBody>(guardedOfferBody),
  'GET /api/grids': get<GridCollection>(),
  'GET /api/reports': get<Report>(),
  'GET /api/reports/breakdown': get<{ by: BreakdownDim; rows: BreakdownRow[] }>(),
  'GET /api/reports/tickets': get<DrillPage>(),
  'GET /api/admin/display-links': get<DisplayLinkView[]>(),
  'POST /api/admin/display-links': post<NewDisplayLink, typeof createDisplayLinkBody>(createDisplayLinkBody),
  'POST /api/admin/display-links/:id/rotate': post<NewDisplayLink, null>(null),
  'POST /api/admin/display-links/:id/revoke': post<DisplayLinkView, null>(null),
  // Residents (public): the report page and the tracking page.
  'GET /api/public/report-context': get<ReportContext>(),
  'GET /api/public/locate': get<PlaceAnswer>(),
  'POST /api/public/reports': post<ReportReceipt, typeof publicReportBody>(publicReportBody),
  'GET /api/public/track/:code': get<PublicTicketView>(),
  'POST /api/public/track/:code/rating': post<PublicTicketView, typeof residentRatingBody>(residentRatingBody),
  // Administration: QR posters and Open311 keys; duty staff place Open311 requests that could not place themselves.
  'GET /api/admin/posters': get<PosterSheet>(),
  'GET /api/admin/open311-keys': get<{ keys: Open311KeyView[]; endpoint: string; jurisdictionId: string }>(),
  'POST /api/admin/open311-keys': post<NewOpen311Key, typeof createOpen311KeyBody>(createOpen311KeyBody),
  'POST /api/admin/open311-keys/:id/revoke': post<Open311KeyView, null>(null),
  'GET /api/open311/pending': get<PendingOpen311View[]>(),
  'POST /api/open311/pending/:id/place': post<TicketView, typeof placePendingBody>(placePendingBody),
} as const;
export type RestKey = keyof typeof REST;
export type RestBody<K extends RestKey> = (typeof REST)[K]['body'] extends z.ZodType ? z.input<(typeof REST)[K]['body']> : undefined;
export type RestResult<K extends RestKey> = (typeof REST)[K] extends Endpoint<infer R, z.ZodType | null> ? R : never;

/** The lifecycle actions, one endpoint each (`/api/tickets/:id/<action>`), bodies by their own schemas. */
export const ACTION_PATH = '/api/tickets/:id/:action';
export type ActionBodyInput<A extends RestAction> = z.input<(typeof ACTION_BODIES)[A]>;
export { ACTION_BODIES };
