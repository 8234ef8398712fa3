// REST and live payload shapes: what a ticket, grid, responder … looks like on the wire (ids strings, times ISO).
import type { Channel, DutyStatus, ResponderKind, Role, Skill, Urgency } from './domain.ts';
import type { PolygonCoords, TileCrs } from './geo.ts';
import type { Kpis } from './metrics.ts';
import type { AppErrorShape } from './errors.ts';
import type { TicketAction, TicketStatus } from './tickets.ts';

export interface OfferSummary { id: string; responderId: string; responderName: string; offeredAt: string; expiresAt: string }

export interface TicketView {
  id: string;
  streetOfficeId: string;
  communityId: string;
  communityName: string;
  gridId: string;
  gridName: string;
  category: string;
  channel: Channel;
  urgency: Urgency;
  status: TicketStatus;
  description: string;
  lat: number;
  lng: number;
  address: string | null;
  /** Masked for every screen (PIPL); the full number is only in TicketDetail for the people handling it. */
  reporterName: string | null;
  reporterPhoneMasked: string | null;
  reportedAt: string;
  dispatchedAt: string | null;
  acceptedAt: string | null;
  respondedAt: string | null;
  resolvedAt: string | null;
  closedAt: string | null;
  escalatedAt: string | null;
  rejectedAt: string | null;
  reopenedAt: string | null;
  responseTargetS: number;
  resolutionTargetS: number;
  assigneeId: string | null;
  assigneeName: string | null;
  offer: OfferSummary | null;
  department: string | null;
  escalationDueAt: string | null;
  departmentAcceptedAt: string | null;
  duplicateOf: string | null;
  rating: number | null;
  reopenCount: number;
  photoCount: number;
  version: number;
}

export interface TicketEventView {
  id: string;
  ticketId: string;
  at: string;
  action: TicketAction | 'report' | 'rate' | 'photo' | 'alert';
  fromStatus: TicketStatus | null;
  toStatus: TicketStatus | null;
  actorLabel: string;
  reason: string | null;
  data: Record<string, unknown>;
}

export interface PhotoView { id: string; url: string; at: string; contentType: string }

export interface OfferView {
  id: string;
  ticketId: string;
  responderId: string;
  responderName: string;
  status: 'offered' | 'accepted' | 'declined' | 'expired' | 'withdrawn';
  offeredAt: string;
  expiresAt: string;
  answeredAt: string | null;
}

export interface TicketDetail extends TicketView {
  /**
   * May this caller reveal the resident's full number (POST /api/tickets/:id/phone)? Office roles in scope and the
   * responder the ticket is assigned to; every reveal is recorded. No read ever carries the full number by itself.
   */
  mayRevealPhone: boolean;
  /** Who revealed the number, when: shown to office staff (PIPL). */
  phoneReveals: PhoneRevealView[];
  events: TicketEventView[];
  photos: PhotoView[];
  offers: OfferView[];
  allowedActions: TicketAction[];
}

export interface PhoneRevealView { by: string; at: string }
/** The answer to a reveal: the full number (null when the resident left none). */
export interface RevealedPhone { phone: string | null }

export interface CommunityView { id: string; name: string; nameEn: string }
export interface GridView {
  id: string;
  code: string;
  name: string;
  communityId: string;
  communityName: string;
  polygon: PolygonCoords;
  /** Where the label sits (inside the polygon). */
  labelLat: number;
  labelLng: number;
  leaderName: string | null;
}

export interface ResponderView {
  id: string;
  name: string;
  kind: ResponderKind;
  skills: Skill[];
  team: string | null;
  homeGridIds: string[];
  dutyStatus: DutyStatus;
  lat: number | null;
  lng: number | null;
  positionAt: string | null;
  activeTickets: number;
}

export interface CategoryView {
  code: string;
  nameZh: string;
  nameEn: string;
  urgency: Urgency;
  skill: Skill;
  responseTargetMin: number;
  resolutionTargetH: number;
}
export interface DepartmentView { code: string; nameZh: string; nameEn: string }

export interface Me {
  id: string;
  username: string;
  role: Role;
  displayName: string;
  streetOfficeId: string;
  responderId: string | null;
  gridIds: string[];
}

/** One line of the wall screen's event ticker. */
export interface TickerEvent {
  ticketId: string;
  at: string;
  action: TicketEventView['action'];
  actorLabel: string;
  category: string;
  gridName: string;
  communityName: string;
}

export interface MapConfig { tileUrl: string | null; tileCrs: TileCrs; tileAttribution: string | null; center: [number, number]; zoom: number }

export interface CommunityKpis { communityId: string; open: number; breached: number; kpis: Kpis }

export interface KpiBoard {
  /** Start of "today" in the street office's time zone. */
  since: string;
  today: Kpis;
  perCommunity: CommunityKpis[];
}

/** A community's figures as the wall's table shows them (its open and late counts it takes from the live tickets). */
export interface WallCommunityKpis { communityId: string; onTimeResponseRate: number | null; closureRate: number | null }
/** What a live screen gets of the board (its snapshot and every metrics:update): made by wallKpiBoard. */
export interface WallKpiBoard { since: string; today: Kpis; perCommunity: WallCommunityKpis[] }

export interface CandidateView {
  responder: ResponderView;
  distanceM: number | null;
  etaS: number | null;
  hasSkill: boolean;
  inHomeGrid: boolean;
  score: number;
}

/** Every REST error answer: the same shape the socket boundary puts in an error ack. */
export interface ApiErrorBody { error: AppErrorShape }
export interface Page<T> { items: T[]; nextBefore: string | null }

/** A wall-screen link as the administrator manages it; the token itself is shown only once, when it is made. */
export interface DisplayLinkView {
  id: string;
  label: string;
  /** null = the whole street office. */
  communityId: string | null;
  communityName: string | null;
  createdAt: string;
  createdBy: string | null;
  lastUsedAt: string | null;
  revokedAt: string | null;
}
/** The answer to creating or rotating a link: the only time its token (and so the link) can be read. */
export interface NewDisplayLink { link: DisplayLinkView; token: string; url: string }
