// The console's alerts: a new ticket in the user's grids, and "nobody available" from auto-dispatch. Each rings and
// vibrates once, and stays in the strip under the header (visible without scrolling, on a phone too) until opened,
// dismissed or no longer true (a new ticket that has been dispatched, a ticket that left the live picture).
import type { TicketView, TickerEvent } from '../../shared/api.ts';
import { beep } from './beep.ts';

export type AlertKind = 'new' | 'nobody';
export interface ConsoleAlert { key: string; kind: AlertKind; ticketId: string; at: number }

const MAX_KEPT = 20;
/** Two long buzzes: distinct from the phone's offer pattern, felt through a pocket. */
const VIBRATION = [300, 120, 300];

export class ConsoleAlerts {
  items = $state.raw<ConsoleAlert[]>([]);
  private seenTicker: Set<string> | null = null;

  /** New tickets (ids that arrived after the first picture): one ring for the lot; the one open already needs no strip. */
  newTickets(ids: string[], now: number, open: string | null): void {
    if (ids.length === 0) return;
    this.add(ids.filter((id) => id !== open).map((ticketId) => ({ key: `new:${ticketId}`, kind: 'new' as const, ticketId, at: now })));
    this.ring(2, 880);
  }

  /**
   * Ticker lines as the store holds them (newest first). The first call (the snapshot's) only marks what was already
   * there; later "alert" lines ring.
   */
  ticker(events: readonly TickerEvent[]): void {
    const key = (e: TickerEvent) => `${e.ticketId}|${e.at}`;
    const alerts = events.filter((e) => e.action === 'alert');
    if (!this.seenTicker) { this.seenTicker = new Set(alerts.map(key)); return; }
    const fresh = alerts.filter((e) => !this.seenTicker!.has(key(e)));
    if (fresh.length === 0) return;
    for (const e of fresh) this.seenTicker.add(key(e));
    this.add(fresh.map((e) => ({ key: `nobody:${e.ticketId}:${e.at}`, kind: 'nobody' as const, ticketId: e.ticketId, at: Date.parse(e.at) })));
    this.ring(3, 660);
  }

  /** A new picture (snapshot): ticker lines in it are history, not news. */
  reset(): void {
    this.seenTicker = null;
  }

  /** Drops alerts that no longer hold: the ticket was opened, dispatched or left the live picture. */
  settle(tickets: Map<string, TicketView>, opened: string | null): void {
    const keep = this.items.filter((a) => {
      const t = tickets.get(a.ticketId);
      if (!t || a.ticketId === opened) return false;
      return a.kind === 'new' ? t.status === 'reported' || t.status === 'reopened' : !t.offer && !t.assigneeId;
    });
    if (keep.length !== this.items.length) this.items = keep;
  }

  dismiss(key: string): void {
    this.items = this.items.filter((a) => a.key !== key);
  }

  private add(list: ConsoleAlert[]): void {
    const keys = new Set(list.map((a) => a.key));
    this.items = [...list, ...this.items.filter((a) => !keys.has(a.key))].slice(0, MAX_KEPT);
  }

  private ring(tones: number, hz: number): void {
    beep(tones, hz);
    // Vibration needs a touch on the page first (Chrome), which the leader's first tap gives.
    try { navigator.vibrate?.(VIBRATION); } catch { /* not a phone */ }
  }
}
