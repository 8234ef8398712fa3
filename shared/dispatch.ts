// Candidate ranking for dispatch: estimated arrival first, adjusted for skill, workload, status and home grid.
import { etaSeconds, distanceM, type LatLng } from './geo.ts';
import type { DutyStatus, Skill } from './domain.ts';

/** Penalties in seconds of "equivalent travel time", so the score reads as a corrected ETA. */
export const RANK_PENALTY_S = {
  noPosition: 1800,
  missingSkill: 600,
  outsideHomeGrid: 300,
  perActiveTicket: 600,
  busy: 900,
} as const;

export interface CandidateInput {
  id: string;
  dutyStatus: DutyStatus;
  skills: Skill[];
  homeGridIds: string[];
  position: LatLng | null;
  activeTickets: number;
}

export interface RankedCandidate<C extends CandidateInput = CandidateInput> {
  candidate: C;
  distanceM: number | null;
  etaS: number | null;
  hasSkill: boolean;
  inHomeGrid: boolean;
  score: number;
}

/** Ranks on-duty responders for a ticket; lower score is better. Responders holding an open offer are left out. */
export function rankCandidates<C extends CandidateInput>(ticket: { position: LatLng; gridId: string; skill: Skill }, candidates: C[]): RankedCandidate<C>[] {
  return candidates
    .filter((c) => c.dutyStatus !== 'off_duty' && c.dutyStatus !== 'offered')
    .map((c) => {
      const hasSkill = ticket.skill === 'general' || c.skills.includes(ticket.skill);
      const inHomeGrid = c.homeGridIds.includes(ticket.gridId);
      const d = c.position ? distanceM(c.position, ticket.position) : null;
      const eta = c.position ? etaSeconds(c.position, ticket.position) : null;
      const score = (eta ?? RANK_PENALTY_S.noPosition)
        + (hasSkill ? 0 : RANK_PENALTY_S.missingSkill)
        + (inHomeGrid ? 0 : RANK_PENALTY_S.outsideHomeGrid)
        + c.activeTickets * RANK_PENALTY_S.perActiveTicket
        + (c.dutyStatus === 'available' ? 0 : RANK_PENALTY_S.busy);
      return { candidate: c, distanceM: d, etaS: eta, hasSkill, inHomeGrid, score };
    })
    .sort((a, b) => a.score - b.score || Number(a.candidate.id) - Number(b.candidate.id));
}
