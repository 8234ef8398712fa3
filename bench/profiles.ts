// The bench's load profiles (`npm run bench -- --profile city|stress`): what a city actually sends, and five times
// that. Each field is a default that an explicit flag overrides; `quick` is the same shape, small, for the harness test.

export type ProfileName = 'city' | 'stress';

export interface Profile {
  dashboards: number;
  /** Phones streaming, each its own socket. */
  responders: number;
  /** Positions a second over all phones. */
  rate: number;
  /** Each phone on its own timer, period × (1 ± jitter); null = an even round-robin at `rate`. */
  jitter: number | null;
  windowS: number; warmupS: number;
  grids: number; cityResponders: number; openTickets: number;
  /** Tickets a second during the ticket phase, and bursts on top: `burstCount` tickets within a second every `burstEveryS`. */
  ticketRate: number; burstCount: number; burstEveryS: number; ticketSeconds: number;
  /** Positions a second while tickets are measured. */
  ticketPositions: number;
  /** Rates for the capacity curve of ours and of the raw pipeline (highest rate within p50 100 / p99 250 ms). */
  steps: number[];
  /** The raw broadcast limit (issue #3's ratio): stress only. */
  rawBroadcast: boolean;
  dashboardProcs: number; responderProcs: number; rawSeconds: number;
}

/**
 * city: ~1,500 grids, 10,000 responders on duty each reporting every 5 s ± 20 % (2,000/s), 200 screens; tickets at
 * the peak of a 50,000-ticket day — about a tenth of a day's tickets fall in its busiest hour (5,000/h ≈ 1.4/s) — with
 * bursts of 20 within a second every 15 s (a storm, a building's power cut: many residents report one thing at once).
 * stress: the previous default, 2,000 phones at 5 Hz (10,000/s), five times a city's rate.
 */
const FULL: Record<ProfileName, Profile> = {
  city: {
    dashboards: 200, responders: 10_000, rate: 2000, jitter: 0.2, windowS: 30, warmupS: 8,
    grids: 1500, cityResponders: 10_000, openTickets: 3000,
    ticketRate: 1.4, burstCount: 20, burstEveryS: 15, ticketSeconds: 45, ticketPositions: 2000,
    steps: [], rawBroadcast: false, dashboardProcs: 4, responderProcs: 2, rawSeconds: 5,
  },
  stress: {
    dashboards: 200, responders: 2000, rate: 10_000, jitter: null, windowS: 30, warmupS: 5,
    grids: 1500, cityResponders: 10_000, openTickets: 3000,
    ticketRate: 5, burstCount: 0, burstEveryS: 0, ticketSeconds: 20, ticketPositions: 2000,
    steps: [2000, 4000, 6000, 8000, 10_000, 12_000, 15_000, 20_000], rawBroadcast: true, dashboardProcs: 4, responderProcs: 2, rawSeconds: 5,
  },
};

const QUICK: Record<ProfileName, Partial<Profile>> = {
  city: {
    dashboards: 5, responders: 100, rate: 20, windowS: 2, warmupS: 2, grids: 60, cityResponders: 300, openTickets: 100,
    ticketRate: 2, burstCount: 5, burstEveryS: 2, ticketSeconds: 2, ticketPositions: 20, dashboardProcs: 2, responderProcs: 1, rawSeconds: 0,
  },
  stress: {
    dashboards: 5, responders: 100, rate: 1000, windowS: 2, warmupS: 1, grids: 60, cityResponders: 300, openTickets: 100,
    ticketRate: 5, ticketSeconds: 2, ticketPositions: 500, steps: [500], rawBroadcast: false, dashboardProcs: 2, responderProcs: 1, rawSeconds: 0,
  },
};

export function profile(name: string, quick: boolean): Profile {
  if (name !== 'city' && name !== 'stress') throw new Error(`--profile must be city or stress, not ${JSON.stringify(name)}`);
  return { ...FULL[name], ...(quick ? QUICK[name] : {}) };
}
