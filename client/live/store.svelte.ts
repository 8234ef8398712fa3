// The live store as runes: keyed live tables for tickets/responders/offers, raw state for the rest, server time.
import type { CategoryView, WallKpiBoard, Me, OfferView, ResponderView, TicketView, TickerEvent } from '../../shared/api.ts';
import type { Change, DeltaBatch, PositionsBatch, PositionTuple, Snapshot } from '../../shared/events.ts';
import type { SlaState } from '../../shared/sla.ts';
import { addSample, bestOffset, type ClockSample } from './clock.ts';
import { LiveTable } from './table.svelte.ts';
import {
  abandonResync, applyPositions, applySnapshot, mergeTicker, newSyncState, receiveDelta, reconnected, replayHeld, tickerEvents,
  type DeltaOutcome, type LiveTables, type SnapshotMeta,
} from './reducer.ts';

export type ConnStatus = 'connecting' | 'live' | 'reconnecting' | 'offline';
export type Problem = 'unauthorized' | 'sessionEnded' | null;

/** How long a lost connection counts as "reconnecting" before the wall says "offline". */
const RECONNECTING_GRACE_MS = 30_000;
const TIMING_SAMPLES = 300;

export class LiveStore implements LiveTables {
  readonly tickets = new LiveTable<string, TicketView>();
  readonly responders = new LiveTable<string, ResponderView>();
  readonly offers = new LiveTable<string, OfferView>();
  readonly sla = new Map<string, SlaState>();
  /** Not reactive on purpose: thousands of moves a second go straight to the map layer via onPositions(). */
  readonly positions = new Map<string, PositionTuple>();

  meta = $state.raw<SnapshotMeta | null>(null);
  me = $state.raw<Me | null>(null);
  kpis = $state.raw<WallKpiBoard | null>(null);
  ticker = $state.raw<TickerEvent[]>([]);
  categories = $derived(new Map<string, CategoryView>((this.meta?.categories ?? []).map((c) => [c.code, c])));
  /** Bumped on every snapshot so layers know the whole picture was replaced. */
  snapshotCount = $state(0);

  status = $state<ConnStatus>('connecting');
  problem = $state<Problem>(null);
  /** Server time of the last data received, frozen for the "data as of" line while not live. */
  dataAsOf = $state<number | null>(null);
  /** Server time, ticking once a second: every countdown reads this. */
  now = $state(Date.now());

  /** Server time of the picture restored from this device (last-known.ts) while no live snapshot has come; else null. */
  restoredAsOf = $state<number | null>(null);
  /** Counts snapshots and applied changes (not positions): what a saved copy of the picture must keep up with. Not reactive. */
  changes = 0;

  /** Main-thread milliseconds spent applying each recent positions batch (for the bench). */
  readonly positionTimings: number[] = [];

  private sync = newSyncState();
  private clockSamples: ClockSample[] = [];
  private offsetMs = 0;
  private lastDataAt: number | null = null;
  private disconnectedAt: number | null = null;
  private positionListeners = new Set<(ids: string[]) => void>();
  private timer: ReturnType<typeof setTimeout> | null = null;

  serverNow(): number {
    return Date.now() + this.offsetMs;
  }

  addClockSample(s: ClockSample): void {
    this.clockSamples = addSample(this.clockSamples, s);
    this.offsetMs = bestOffset(this.clockSamples, Date.now()) ?? this.offsetMs;
    this.now = this.serverNow();
  }

  receiveSnapshot(snap: Snapshot): Change[] {
    this.meta = LiveTable.batch([this.tickets, this.responders, this.offers] as LiveTable<unknown, unknown>[], () => applySnapshot(this, this.sync, snap));
    this.me = snap.me;
    this.kpis = snap.kpis;
    // A resync may have held batches newer than the snapshot; they still apply on top of it.
    const replayed = replayHeld(this, this.sync);
    this.ticker = mergeTicker([], [...snap.ticker, ...tickerEvents(replayed)]);
    this.snapshotCount++;
    this.changes++;
    this.restoredAsOf = null;
    this.markData();
    this.setStatus('live');
    return replayed;
  }

  /**
   * Shows a picture this device kept from an earlier visit (no signal, no snapshot yet): tables and meta as then,
   * "data as of" its time. The stream's cursor is left alone, so the first live snapshot replaces it all.
   */
  restore(snap: Snapshot, asOf: number): void {
    this.meta = LiveTable.batch([this.tickets, this.responders, this.offers] as LiveTable<unknown, unknown>[], () => applySnapshot(this, newSyncState(), snap));
    this.me = snap.me;
    this.kpis = snap.kpis;
    this.ticker = [];
    this.snapshotCount++;
    this.restoredAsOf = asOf;
    this.lastDataAt = asOf;
    this.dataAsOf = asOf;
  }

  receiveDelta(batch: DeltaBatch): DeltaOutcome {
    const out = receiveDelta(this, this.sync, batch);
    if (out.kind === 'applied') {
      if (out.applied.length) this.changes++;
      const events = tickerEvents(out.applied);
      if (events.length) this.ticker = mergeTicker(this.ticker, events);
      this.markData();
    }
    return out;
  }

  /** True while the store waits for a resync answer. */
  get resyncing(): boolean {
    return this.sync.resyncing;
  }

  resyncFailed(): void {
    abandonResync(this.sync);
  }

  receivePositions(batch: PositionsBatch): void {
    const t0 = performance.now();
    const moved = applyPositions(this, batch);
    if (moved.length) for (const fn of this.positionListeners) fn(moved);
    this.markData();
    const timings = this.positionTimings;
    timings.push(performance.now() - t0);
    if (timings.length > TIMING_SAMPLES) timings.splice(0, timings.length - TIMING_SAMPLES);
  }

  receiveKpis(kpis: WallKpiBoard): void {
    this.kpis = kpis;
    this.markData();
  }

  /** Subscribes to responder moves; returns the unsubscribe function. */
  onPositions(fn: (ids: string[]) => void): () => void {
    this.positionListeners.add(fn);
    return () => this.positionListeners.delete(fn);
  }

  /** Each (re)connection: its snapshot is on the way, and changes that come first wait for it. */
  connected(): void {
    this.disconnectedAt = null;
    this.problem = null;
    reconnected(this.sync);
  }

  disconnected(final: boolean, problem: Problem = null): void {
    this.disconnectedAt ??= Date.now();
    if (problem) this.problem = problem;
    this.setStatus(final ? 'offline' : 'reconnecting');
  }

  /** Starts the one-second tick aligned to the server's second boundary, so every clock on the wall flips together. */
  start(): void {
    const tick = () => {
      const now = this.serverNow();
      this.now = now;
      if (this.status === 'reconnecting' && this.disconnectedAt && Date.now() - this.disconnectedAt > RECONNECTING_GRACE_MS) this.setStatus('offline');
      this.timer = setTimeout(tick, 1000 - (now % 1000) + 5);
    };
    tick();
  }

  stop(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }

  private markData(): void {
    this.lastDataAt = this.serverNow();
  }

  private setStatus(s: ConnStatus): void {
    if (s !== 'live' && this.status === 'live') {
      this.dataAsOf = this.lastDataAt;
      this.now = this.serverNow(); // so the clock never shows a time before "data as of"
    }
    if (s === 'live') this.dataAsOf = null;
    this.status = s;
  }
}
