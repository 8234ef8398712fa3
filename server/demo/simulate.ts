// The demo simulation: tickets over the day's rhythm, responders moving at walking/riding speed and playing their
// part (accept, arrive, resolve; sometimes late, sometimes declining) through the same services real clients use.
import type { Deps } from '../http/types.ts';
import type { UserPrincipal } from '../auth/principal.ts';
import { principalForUser } from '../auth/sessions.ts';
import { AppError } from '../../shared/errors.ts';
import { STAFF_CHANNELS } from '../../shared/domain.ts';
import { distanceM, type PolygonCoords } from '../../shared/geo.ts';
import type { TicketAction } from '../../shared/tickets.ts';
import type { PositionIngest } from '../locations/ingest.ts';
import { setDuty } from '../responders/duty.ts';
import { createTicket } from '../tickets/create.ts';
import { applyAction } from '../tickets/lifecycle.ts';
import { rateTicket } from '../tickets/rating.ts';
import { autoDispatchLater } from '../dispatch/auto.ts';
import { CATEGORIES } from './data.ts';
import { HOURLY_WEIGHT, pointInGrid, weighted } from './history.ts';
import { ADVISORY_LOCKS } from '../db/locks.ts';

const SIM_LOCK = ADVISORY_LOCKS.simulator;
const TICK_MS = 2000;

interface Walker { id: string; userId: string; lat: number; lng: number; speed: number; home: PolygonCoords; principal: UserPrincipal; nextReport: number; waypoint: { lat: number; lng: number } | null }

export interface Simulator { start(): Promise<boolean>; stop(): Promise<void> }

export function createSimulator(deps: Deps, ingest: PositionIngest, opts: { ticketsPerHour?: number; onDutyShare?: number } = {}): Simulator {
  const { sql, log, config } = deps;
  const rnd = Math.random;
  const walkers = new Map<string, Walker>();
  /** When the simulated person will act on a ticket next (ticket id → epoch ms). */
  const plans = new Map<string, { at: number; action: TicketAction | 'ignore' }>();
  let grids: Array<{ id: string; polygon: PolygonCoords }> = [];
  let timer: NodeJS.Timeout | undefined;
  let lock: Awaited<ReturnType<typeof sql.reserve>> | null = null;
  let stopped = false, busy = false;
  let duty: UserPrincipal | null = null;
  const perHour = opts.ticketsPerHour ?? 120;

  async function setup() {
    grids = await sql<{ id: string; polygon: PolygonCoords }[]>`SELECT id, polygon FROM grids ORDER BY id`;
    const [dutyUser] = await sql<{ id: string }[]>`SELECT id FROM users WHERE role = 'duty' AND NOT disabled ORDER BY id LIMIT 1`;
    duty = dutyUser ? await principalForUser(sql, dutyUser.id) : null;
    const people = await sql<{ id: string; user_id: string; duty_status: string; kind: string; grid_id: string }[]>`
      SELECT r.id, u.id AS user_id, r.duty_status, r.kind, (SELECT grid_id FROM responder_grids g WHERE g.responder_id = r.id ORDER BY grid_id LIMIT 1) AS grid_id
      FROM responders r JOIN users u ON u.responder_id = r.id ORDER BY r.id`;
    // Bring the street office up to its usual share on duty (restarts do not pile more people on).
    let toBring = Math.round(people.length * (opts.onDutyShare ?? 0.6)) - people.filter((p) => p.duty_status !== 'off_duty').length;
    for (const p of people) {
      if (p.duty_status === 'off_duty' && (toBring <= 0 || rnd() > 0.7)) continue;
      if (p.duty_status === 'off_duty') toBring--;
      const principal = await principalForUser(sql, p.user_id);
      const home = grids.find((g) => g.id === p.grid_id)?.polygon;
      if (!principal || !home) continue;
      if (p.duty_status === 'off_duty') await setDuty(sql, p.id, true);
      const at = pointInGrid(rnd, home);
      // Riders move fast; a few slow walkers make the occasional late response.
      const speed = p.kind === 'parttime' ? 5 : rnd() < 0.1 ? 0.8 : 1.4 + rnd() * 2.5;
      walkers.set(p.id, { id: p.id, userId: p.user_id, ...at, speed, home, principal, nextReport: 0, waypoint: null });
    }
  }

  function reportTicket() {
    if (!duty || grids.length === 0) return;
    const hourly = HOURLY_WEIGHT[(new Date().getUTCHours() + 8) % 24] / 4.2;
    if (rnd() > (perHour / 3600) * (TICK_MS / 1000) * Math.max(0.6, hourly)) return;
    const grid = grids[Math.floor(rnd() * grids.length)];
    const cat = weighted(rnd, CATEGORIES, (c) => c.weight);
    const p = pointInGrid(rnd, grid.polygon);
    const channel = STAFF_CHANNELS[Math.floor(rnd() * STAFF_CHANNELS.length)];
    createTicket(sql, duty, {
      category: cat.code, channel, description: cat.texts[Math.floor(rnd() * cat.texts.length)], lat: p.lat, lng: p.lng,
      reporterName: '居民', reporterPhone: '139' + String(Math.floor(rnd() * 1e8)).padStart(8, '0'),
    }, `sim-${Date.now()}-${Math.floor(rnd() * 1e9)}`)
      .then(({ ticket }) => autoDispatchLater(deps, ticket.id))
      .catch((err) => log.debug({ err }, 'simulator: report failed'));
  }

  async function playParts(now: number) {
    const work = await sql<{ ticket_id: string; status: string; responder_id: string | null; lat: number; lng: number }[]>`
      SELECT t.id AS ticket_id, t.status, coalesce(o.responder_id, t.assignee_id) AS responder_id, t.lat, t.lng
      FROM tickets t LEFT JOIN offers o ON o.ticket_id = t.id AND o.status = 'offered'
      WHERE t.status IN ('dispatched', 'accepted', 'responded', 'resolved') AND t.reported_at > now() - interval '1 day'`;
    for (const w of work) {
      const walker = w.responder_id ? walkers.get(w.responder_id) : null;
      const key = `${w.ticket_id}:${w.status}`;
      if (w.status === 'accepted' && walker) walker.waypoint = { lat: w.lat, lng: w.lng };
      if (!plans.has(key)) {
        const r = rnd();
        const plan = w.status === 'dispatched' ? { at: now + 5_000 + r * 50_000, action: (r < 0.08 ? 'decline' : r < 0.14 ? 'ignore' : 'accept') as TicketAction | 'ignore' }
          : w.status === 'responded' ? { at: now + 60_000 + r * 240_000, action: 'resolve' as const }
          : w.status === 'resolved' ? { at: now + 60_000 + r * 120_000, action: 'close' as const }
          : null;
        if (plan) plans.set(key, plan);
      }
      if (w.status === 'accepted' && walker && distanceM(walker, w) < 30) await act(w.ticket_id, 'respond', walker.principal, {});
      const plan = plans.get(key);
      if (!plan || plan.at > now || plan.action === 'ignore') continue;
      plans.delete(key);
      if (plan.action === 'close') {
        await act(w.ticket_id, 'close', duty, {});
        // Most residents called back give a rating; most are satisfied, some are not.
        if (duty && rnd() < 0.7) await rateTicket(sql, duty, w.ticket_id, { rating: rnd() < 0.9 ? 4 + Math.round(rnd()) : 2 + Math.round(rnd()) }).catch(() => {});
      }
      else if (walker) await act(w.ticket_id, plan.action, walker.principal, plan.action === 'resolve' ? { note: '已现场处理完毕' } : {});
      if (plan.action === 'decline') autoDispatchLater(deps, w.ticket_id);
    }
    if (plans.size > 5000) plans.clear();
  }

  async function act(ticketId: string, action: TicketAction, by: UserPrincipal | null, body: Record<string, unknown>) {
    if (!by) return;
    try {
      await applyAction(sql, { ticketId, action, by, body, offerTimeoutS: config.offerTimeoutS });
    } catch (e) {
      if (!(e instanceof AppError)) throw e;
    }
  }

  function move(now: number) {
    const dt = TICK_MS / 1000;
    for (const w of walkers.values()) {
      if (!w.waypoint || distanceM(w, w.waypoint) < 5) w.waypoint = pointInGrid(rnd, w.home);
      const d = distanceM(w, w.waypoint);
      const step = Math.min(1, (w.speed * dt) / Math.max(d, 1));
      w.lat += (w.waypoint.lat - w.lat) * step;
      w.lng += (w.waypoint.lng - w.lng) * step;
      if (now >= w.nextReport) {
        w.nextReport = now + 4000 + rnd() * 4000;
        try { ingest.report(w.id, { lat: w.lat, lng: w.lng, accuracy: 8 + rnd() * 20, at: new Date(now).toISOString() }); } catch { /* stale clock: skip */ }
      }
    }
  }

  async function tick() {
    if (busy || stopped) return;
    busy = true;
    try {
      const now = Date.now();
      move(now);
      reportTicket();
      await playParts(now);
    } catch (err) {
      log.warn({ err }, 'simulator tick failed');
    } finally {
      busy = false;
    }
  }

  return {
    /** Starts unless another instance already simulates (one simulator per database). */
    async start() {
      lock = await sql.reserve();
      const [{ ok }] = await lock<{ ok: boolean }[]>`SELECT pg_try_advisory_lock(${SIM_LOCK}) AS ok`;
      if (!ok) { lock.release(); lock = null; return false; }
      await setup();
      timer = setInterval(() => void tick(), TICK_MS);
      return true;
    },
    async stop() {
      stopped = true;
      clearInterval(timer);
      while (busy) await new Promise((r) => setTimeout(r, 20));
      if (lock) {
        await lock`SELECT pg_advisory_unlock(${SIM_LOCK})`.catch(() => {});
        lock.release();
      }
    },
  };
}
