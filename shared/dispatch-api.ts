// Contracts of the dispatch console's own endpoints: duplicates nearby, linking a call to an existing ticket, guarded offers.
import { z } from 'zod';
import type { TicketView } from './api.ts';
import { createTicketBody } from './schemas.ts';

const id = z.string().regex(/^\d{1,18}$/, 'must be a numeric id');

/** Same category within this distance and still live counts as a possible duplicate (about one compound). */
export const DUPLICATE_RADIUS_M = 200;

export const duplicatesQuery = z.object({
  category: z.string().trim().min(1).max(40),
  lat: z.coerce.number().min(-90).max(90),
  lng: z.coerce.number().min(-180).max(180),
  radiusM: z.coerce.number().int().min(10).max(2000).default(DUPLICATE_RADIUS_M),
  /** Leave the ticket being looked at out of its own duplicates. */
  excludeId: id.optional(),
}).strict();

export interface DuplicateView { ticket: TicketView; distanceM: number }

/** A call about something already reported: recorded against the existing ticket instead of becoming new work. */
export const linkReportBody = createTicketBody.extend({ duplicateOf: id });
export type LinkReportBody = z.infer<typeof linkReportBody>;
export interface LinkReportResult { record: TicketView; original: TicketView }

/**
 * An offer from the console. `expectOfferId` is the open offer the leader saw (null: none); if someone else
 * offered the ticket meanwhile the server answers 409 instead of silently withdrawing their offer.
 */
export const guardedOfferBody = z.object({ responderId: id, expectOfferId: id.nullable() }).strict();
export type GuardedOfferBody = z.infer<typeof guardedOfferBody>;
