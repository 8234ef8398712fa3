// The residents' side, once for server, pages and tests: what a report carries, what the public tracking view may
// show (and so what it may never show), how history becomes the plain-Chinese timeline, and the tracking code's shape.
import { z } from 'zod';
import type { TicketStatus } from './tickets.ts';
import type { ResponderKind } from './domain.ts';
import type { MapConfig } from './api.ts';
import type { PolygonCoords } from './geo.ts';

/** 16 random bytes (128 bits), base64url: 22 characters. Anything else is not a code and is refused unread. */
export const TRACKING_CODE = /^[A-Za-z0-9_-]{22}$/;
export const trackUrlPath = (code: string) => `/t/${code}`;
/** Photos a resident may attach to one report, and for how long after reporting they may still be added. */
export const RESIDENT_MAX_PHOTOS = 3;
export const RESIDENT_PHOTO_WINDOW_MIN = 60;
/** A resident's rating at or below this reopens the ticket for the grid leader. */
export const REOPEN_AT_OR_BELOW = 2;

const text = (max: number) => z.string().trim().min(1, 'must not be empty').max(max, `must be at most ${max} characters`);
const phone = z.string().trim().regex(/^\+?[0-9][0-9-]{5,19}$/, 'must be a phone number');
/** An attribute's answer: a string, a number, or the keys chosen from a multiple-choice list. */
export const attributeValue = z.union([z.string().trim().max(500), z.number().finite(), z.array(z.string().trim().max(100)).max(20)]);

/** What the report form sends. The grid is never sent: the server finds it from the place. */
export const publicReportBody = z.object({
  category: text(40),
  /** Optional: a photo and a pin are a report; the description then says which category it is. */
  description: z.string().trim().max(2000, 'must be at most 2000 characters').optional(),
  lat: z.number().min(-90).max(90),
  lng: z.number().min(-180).max(180),
  attributes: z.record(z.string().regex(/^[a-z][a-z0-9_]{0,39}$/, 'must be an attribute code'), attributeValue).optional(),
  name: text(40).optional(),
  phone: phone.optional(),
}).strict();
export type PublicReportBody = z.infer<typeof publicReportBody>;

export const residentRatingBody = z.object({
  rating: z.number().int().min(1).max(5),
  comment: z.string().trim().max(500, 'must be at most 500 characters').optional(),
}).strict();

export const locateQuery = z.object({ lat: z.coerce.number().min(-90).max(90), lng: z.coerce.number().min(-180).max(180) }).strict();

/** The answer to a report: the code (shown once, and again to a retry with the same idempotency key) and its page. */
export interface ReportReceipt { trackingCode: string; trackUrl: string; created: boolean }

/** A step of the public timeline; its words come from PUBLIC_STEPS, so the page and Open311's notes say the same. */
export type PublicStepKind =
  | 'received' | 'dispatched' | 'accepted' | 'on_site' | 'escalated' | 'department_accepted'
  | 'resolved' | 'closed' | 'rejected' | 'duplicate' | 'reopened' | 'rated';
/** A handler as a resident may see them: the family name and what kind of helper they are, nothing more. */
export interface PublicHandler { family: string; kind: ResponderKind }
export interface PublicStep {
  kind: PublicStepKind;
  at: string;
  /** The handler (accepted, on site), the department (escalated), the stars (rated). */
  who?: PublicHandler | null;
  department?: { zh: string; en: string } | null;
  rating?: number | null;
}

export const PUBLIC_STEPS: Record<PublicStepKind, { zh: string; en: string }> = {
  received: { zh: '已受理', en: 'Received' },
  dispatched: { zh: '已派单', en: 'Assigned' },
  accepted: { zh: '网格员已接单，正在赶来', en: 'Accepted, on the way' },
  on_site: { zh: '网格员已到场', en: 'Grid worker on site' },
  escalated: { zh: '已转交职能部门处理', en: 'Handed to a city department' },
  department_accepted: { zh: '职能部门已受理', en: 'Department accepted it' },
  resolved: { zh: '已办结', en: 'Resolved' },
  closed: { zh: '已核实销号', en: 'Verified and closed' },
  rejected: { zh: '不予受理', en: 'Not taken up' },
  duplicate: { zh: '与已有报告重复，将一并处理', en: 'Same as an earlier report, handled together' },
  reopened: { zh: '重新办理', en: 'Reopened' },
  rated: { zh: '已评价', en: 'Rated' },
};

/** The four stages of the progress bar: 已受理 → 已派单 → 网格员已到场 → 已办结. */
export const PUBLIC_STAGES = ['received', 'dispatched', 'on_site', 'resolved'] as const;
export type PublicStage = (typeof PUBLIC_STAGES)[number];
export const STAGE_OF_STATUS: Record<TicketStatus, PublicStage> = {
  reported: 'received', reopened: 'received', rejected: 'received',
  dispatched: 'dispatched', accepted: 'dispatched',
  responded: 'on_site', escalated: 'on_site',
  resolved: 'resolved', closed: 'resolved',
};

/**
 * The tracking page's view of one ticket. By design it carries no reporter name or phone, no coordinates, no
 * responder's full name or position and nothing of any other ticket (test/residents.test.ts checks the keys).
 */
export interface PublicTicketView {
  category: string;
  categoryName: { zh: string; en: string };
  description: string;
  communityName: string;
  gridName: string;
  /** The community secretary's 24-hour phone: the resident's way to a person. */
  communityPhone: string | null;
  status: TicketStatus;
  stage: PublicStage;
  reportedAt: string;
  /** The 10-minute commitment of this category, and whether it was kept. */
  responseTargetMin: number;
  respondedAt: string | null;
  responseMet: boolean | null;
  resolvedAt: string | null;
  /** The responder handling it: family name and kind only. */
  handler: PublicHandler | null;
  steps: PublicStep[];
  photoCount: number;
  mayAddPhotos: boolean;
  mayRate: boolean;
  rating: number | null;
  /** Grows with every change of the ticket: a page keeps the view with the highest version it has seen. */
  version: number;
  serverTime: string;
}

/** One grid of the residents' map: outline and name only (public information). */
export interface PublicGrid { id: string; name: string; communityId: string; communityName: string; polygon: PolygonCoords; labelLat: number; labelLng: number }
export interface PublicCommunity { id: string; name: string; phone: string | null }
export interface PublicAttribute {
  code: string;
  datatype: 'string' | 'number' | 'datetime' | 'text' | 'singlevaluelist' | 'multivaluelist';
  required: boolean;
  variable: boolean;
  description: { zh: string; en: string };
  hint: string | null;
  choices: Array<{ key: string; zh: string; en: string }>;
}
export interface PublicCategory {
  code: string; zh: string; en: string; group: { zh: string; en: string }; urgency: 'normal' | 'urgent';
  responseTargetMin: number; attributes: PublicAttribute[];
}
/** What the report page loads: one street office's map and the categories. */
export interface ReportContext {
  streetOffice: { id: string; name: string; nameEn: string };
  map: MapConfig;
  grids: PublicGrid[];
  communities: PublicCommunity[];
  categories: PublicCategory[];
  /** The grid a poster's QR code pre-sets, when asked for (?grid=…). */
  presetGrid: PublicGrid | null;
  presetCommunity: PublicCommunity | null;
}
/** Where a place is: its grid, or (outside every grid) the nearest community to call. */
export interface PlaceAnswer {
  grid: { id: string; name: string; communityName: string } | null;
  nearest: PublicCommunity | null;
}

/** What the administrator's poster section and the poster page read: where a QR code points, and to what. */
export interface PosterSheet {
  /** The public address residents reach (PUBLIC_URL, else the address the administrator is using). */
  baseUrl: string;
  streetOffice: { id: string; name: string };
  communities: Array<{ id: string; name: string; phone: string | null; grids: Array<{ id: string; name: string; code: string }> }>;
  /** The commitment a poster promises: the longest response target of any category (it holds for all), in minutes. */
  promiseMin: number;
}
/** The report page a poster's QR code opens: the place pre-set to that grid, or to that community. */
export const posterTarget = (baseUrl: string, t: { grid: string } | { community: string }) =>
  `${baseUrl.replace(/\/+$/, '')}/report?${'grid' in t ? `grid=${encodeURIComponent(t.grid)}` : `community=${encodeURIComponent(t.community)}`}`;
