// Location sharing while on duty: the browser's fixes, at most one every few seconds, sent over the live socket.
import type { PositionReport } from '../../shared/schemas.ts';

/** One point per 5 s is plenty for dispatch and keeps a phone's battery and data plan alive. */
const MIN_INTERVAL_MS = 5000;
/** A phone standing still may not report a new fix for minutes: ask again so the server's position stays fresh. */
const REFRESH_MS = 30_000;

export interface Fix { lat: number; lng: number; accuracy: number; at: number }

export class LocationSharing {
  active = $state(false);
  fix = $state.raw<Fix | null>(null);
  lastSentAt = $state<number | null>(null);
  error = $state<'denied' | 'unavailable' | null>(null);

  private watchId: number | null = null;
  private refresh: ReturnType<typeof setInterval> | null = null;
  private trailing: ReturnType<typeof setTimeout> | null = null;

  /** `send` answers whether the server stored the point; it must itself refuse when the responder is off duty. */
  constructor(private readonly send: (r: PositionReport) => Promise<boolean>) {}

  start(): void {
    if (this.active) return;
    if (!('geolocation' in navigator)) { this.error = 'unavailable'; return; }
    this.active = true;
    this.error = null;
    const opts: PositionOptions = { enableHighAccuracy: true, maximumAge: 5000, timeout: 20_000 };
    this.watchId = navigator.geolocation.watchPosition((p) => this.onFix(p), (e) => this.onError(e), opts);
    this.refresh = setInterval(() => {
      navigator.geolocation.getCurrentPosition((p) => this.onFix(p), (e) => this.onError(e), opts);
    }, REFRESH_MS);
  }

  /** Off duty: stop asking the phone for its position at all, not just stop sending. */
  stop(): void {
    this.active = false;
    if (this.watchId !== null) navigator.geolocation.clearWatch(this.watchId);
    if (this.refresh) clearInterval(this.refresh);
    if (this.trailing) clearTimeout(this.trailing);
    this.watchId = null;
    this.refresh = null;
    this.trailing = null;
  }

  private onFix(p: GeolocationPosition): void {
    if (!this.active) return;
    this.error = null;
    this.fix = { lat: p.coords.latitude, lng: p.coords.longitude, accuracy: p.coords.accuracy, at: p.timestamp || Date.now() };
    const since = Date.now() - (this.lastSentAt ?? 0);
    if (since >= MIN_INTERVAL_MS) void this.flush();
    // Too soon: send the newest fix when the interval is up, so the last move is never lost.
    else if (!this.trailing) this.trailing = setTimeout(() => { this.trailing = null; void this.flush(); }, MIN_INTERVAL_MS - since);
  }

  private onError(e: GeolocationPositionError): void {
    this.error = e.code === e.PERMISSION_DENIED ? 'denied' : 'unavailable';
  }

  private async flush(): Promise<void> {
    const f = this.fix;
    if (!this.active || !f) return;
    this.lastSentAt = Date.now();
    const ok = await this.send({ lat: f.lat, lng: f.lng, accuracy: Math.min(5000, Math.max(0, f.accuracy)), at: new Date(f.at).toISOString() });
    if (!ok) this.lastSentAt = null;
  }
}
