// Map colours in one place, shared by the layers and the legend so they can never disagree.
import type { DutyStatus } from '../../shared/domain.ts';
import type { TicketLook } from '../live/derive.ts';

/** Grid fill by open-ticket count: 0 is calm (almost the background), then a cool ramp that never competes with SLA red/amber. */
export const GRID_BINS: { min: number; label: string; fill: string; opacity: number }[] = [
  { min: 0, label: '0', fill: '#0e1a2e', opacity: 0.55 },
  { min: 1, label: '1', fill: '#123a63', opacity: 0.75 },
  { min: 2, label: '2', fill: '#1b5a92', opacity: 0.8 },
  { min: 3, label: '3–4', fill: '#2a78bd', opacity: 0.85 },
  { min: 5, label: '≥5', fill: '#4a98e0', opacity: 0.9 },
];
export const GRID_STROKE = '#2b4266';

/** Grid fill by a report's on-time response rate (the reports' map and its legend); no response due: GRID_BINS[0]. */
export const RATE_BINS: { min: number; label: string; fill: string; opacity: number }[] = [
  { min: 0, label: '<80%', fill: '#f04444', opacity: 0.8 },
  { min: 0.8, label: '80–90%', fill: '#f5a524', opacity: 0.8 },
  { min: 0.9, label: '90–95%', fill: '#a3c94a', opacity: 0.8 },
  { min: 0.95, label: '≥95%', fill: '#22c55e', opacity: 0.85 },
];

export function rateBin(rate: number) {
  let bin = RATE_BINS[0];
  for (const b of RATE_BINS) if (rate >= b.min) bin = b;
  return bin;
}

export function gridBin(count: number) {
  let bin = GRID_BINS[0];
  for (const b of GRID_BINS) if (count >= b.min) bin = b;
  return bin;
}

export const TICKET_COLORS: Record<TicketLook, string> = {
  ok: '#22c55e',
  warning: '#f5a524',
  breached: '#f04444',
  progress: '#a78bfa',
  resolved: '#94a3b8',
};

export const RESPONDER_COLORS: Record<Exclude<DutyStatus, 'off_duty'>, string> = {
  available: '#2dd4bf',
  offered: '#f9a8d4',
  en_route: '#93c5fd',
  on_site: '#f8fafc',
};
