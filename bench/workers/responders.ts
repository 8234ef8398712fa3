// Bench worker: M responder sockets (session cookie) streaming 'location:report' at a target total rate, evenly
// spread over the sockets, recording acknowledgements (only sent once the point is committed) and their latency.
// Phones speak the Socket.IO protocol through ThinSocket: the same frames as socket.io-client at a fraction of the
// generator's CPU, which otherwise competes with the server for the same two cores.
import type { Ack } from '../../shared/errors.ts';
import type { PositionReport } from '../../shared/schemas.ts';
import { Hist } from '../lib/hist.ts';
import { serve } from '../lib/ipc.ts';
import { monitorEventLoopDelay } from 'node:perf_hooks';

/** This generator's own stalls (GC, a burst of sockets): a point it sends or receives late is measured as latency. */
const loopDelay = monitorEventLoopDelay({ resolution: 10 });
loopDelay.enable();
import { ThinSocket } from '../lib/thin-socket.ts';

interface Phone { socket: ThinSocket; lat: number; lng: number; homeLat: number; homeLng: number }
interface PhoneSeed { id?: string; token: string; lat: number; lng: number }
type OfferChange = { kind: string; offer?: { id: string; ticketId: string; responderId: string; status: string } };

/**
 * Volunteers answer the offers their phones get, as the responder's page lets them: after 5–60 s, nine in ten accept
 * and one declines (auto-dispatch then offers the next one). Phones that never answer (`--phones-ignore-offers`) make
 * every waiting ticket's offer expire and go to the next candidate, every OFFER_TIMEOUT_S, for the whole run.
 */
const ANSWER_AFTER_S = [5, 60] as const;
const DECLINE_SHARE = 0.1;
let answers = { accepted: 0, declined: 0, refused: 0 };

/** The scheduler wakes this often; at 5,000 points/s that is 100 emits per wake. */
const TICK_MS = 20;

let phones: Phone[] = [];
let rate = 0, rateSince = performance.now(), sentSinceRate = 0, cursor = 0;
let timer: NodeJS.Timeout | undefined;
const ackLat = new Hist();
let sent = 0, ok = 0, inflight = 0, disconnects = 0;
let errors: Record<string, number> = {};

function send(p: Phone) {
  // A short random walk around home: about a metre per report, as a walking grid worker.
  p.lat += (Math.random() - 0.5) * 2e-5;
  p.lng += (Math.random() - 0.5) * 2e-5;
  if (Math.abs(p.lat - p.homeLat) > 2e-3) p.lat = p.homeLat;
  if (Math.abs(p.lng - p.homeLng) > 2e-3) p.lng = p.homeLng;
  const t0 = Date.now();
  sent++;
  inflight++;
  const report: PositionReport = { lat: p.lat, lng: p.lng, accuracy: 8, at: new Date(t0).toISOString() };
  p.socket.emit('location:report', report, (r) => {
    const res = r as Ack<{ accepted: true }>;
    inflight--;
    ackLat.add(Date.now() - t0);
    if (res.ok) ok++; else errors[res.error.code] = (errors[res.error.code] ?? 0) + 1;
  });
}

/**
 * Jittered mode (the city profile): each phone reports every `period` ms ± jitter·period, as a real phone on a
 * timer does, instead of a round-robin at an even rate. Phones wait in a wheel of TICK_MS slots until due.
 */
let recordSince = performance.now();
let jitter: number | null = null, periodMs = 0;
let wheel = new Map<number, Phone[]>();
let wheelAt = 0;
const slotOf = (t: number) => Math.floor(t / TICK_MS);
function schedule(p: Phone, at: number) {
  const k = slotOf(at);
  (wheel.get(k) ?? wheel.set(k, []).get(k)!).push(p);
}
function tickJittered() {
  const now = performance.now(), upTo = slotOf(now);
  for (; wheelAt <= upTo; wheelAt++) {
    const due = wheel.get(wheelAt);
    if (!due) continue;
    wheel.delete(wheelAt);
    for (const p of due) {
      if (!p.socket.connected) continue;
      send(p);
      schedule(p, now + periodMs * (1 + jitter! * (2 * Math.random() - 1)));
    }
  }
}

function tick() {
  if (rate <= 0 || phones.length === 0) return;
  if (jitter != null) { tickJittered(); return; }
  const due = Math.floor((rate * (performance.now() - rateSince)) / 1000) - sentSinceRate;
  // Round-robin keeps each socket at rate/M per second, under the server's per-socket limit.
  for (let k = 0; k < due; k++) {
    const p = phones[cursor++ % phones.length];
    if (p.socket.connected) send(p);
  }
  if (due > 0) sentSinceRate += due;
}

function answerOffers(socket: ThinSocket, url: string, r: PhoneSeed) {
  const seen = new Set<string>();
  socket.on('live:delta', (batch) => {
    for (const c of (batch as { changes: OfferChange[] }).changes) {
      const o = c.offer;
      if (c.kind !== 'offer' || !o || o.status !== 'offered' || o.responderId !== r.id || seen.has(o.id)) continue;
      seen.add(o.id);
      const decline = Math.random() < DECLINE_SHARE;
      const delayMs = (ANSWER_AFTER_S[0] + Math.random() * (ANSWER_AFTER_S[1] - ANSWER_AFTER_S[0])) * 1000;
      setTimeout(() => {
        fetch(`${url}/api/tickets/${o.ticketId}/${decline ? 'decline' : 'accept'}`, {
          method: 'POST', body: '{}',
          headers: { cookie: `gridops_session=${r.token}`, 'content-type': 'application/json', 'idempotency-key': `bench-${o.id}` },
        }).then((res) => {
          // Refused when the offer expired or was withdrawn meanwhile, as a late tap on a real phone would be.
          if (!res.ok) answers.refused++; else if (decline) answers.declined++; else answers.accepted++;
          return res.arrayBuffer();
        }).catch(() => { answers.refused++; });
      }, delayMs).unref();
    }
  });
}

function connectOne(url: string, r: PhoneSeed, answer: boolean): Promise<Phone | null> {
  const socket = new ThinSocket(url, { cookie: `gridops_session=${r.token}` });
  return new Promise((resolve) => {
    const fail = setTimeout(() => { socket.close(); resolve(null); }, 120_000);
    socket.on('connect_error', () => { clearTimeout(fail); resolve(null); });
    if (answer && r.id) answerOffers(socket, url, r);
    // Wait for the snapshot, not just the connection: the server is done with the handshake by then.
    socket.on('live:snapshot', () => {
      clearTimeout(fail);
      socket.on('disconnect', () => { disconnects++; });
      resolve({ socket, lat: r.lat, lng: r.lng, homeLat: r.lat, homeLng: r.lng });
    });
  });
}

serve({
  async connect({ url, responders, concurrency, answerOffers: answer = true }: { url: string; responders: PhoneSeed[]; concurrency: number; answerOffers?: boolean }) {
    let next = 0, failed = 0;
    const t0 = Date.now();
    await Promise.all(Array.from({ length: Math.min(concurrency, responders.length) }, async () => {
      while (next < responders.length) {
        const p = await connectOne(url, responders[next++], answer);
        if (p) phones.push(p); else failed++;
      }
    }));
    timer ??= setInterval(tick, TICK_MS);
    return { ok: phones.length, failed, ms: Date.now() - t0 };
  },
  /** perSecond over all this worker's phones; with `jitter` (0–1) each phone keeps its own jittered period. */
  rate({ perSecond, jitter: j }: { perSecond: number; jitter?: number }) {
    rate = perSecond;
    rateSince = performance.now();
    sentSinceRate = 0;
    jitter = j ?? null;
    wheel = new Map();
    if (jitter != null && perSecond > 0 && phones.length > 0) {
      periodMs = (phones.length / perSecond) * 1000;
      wheelAt = slotOf(rateSince);
      // First reports spread evenly over one period, so the phones do not start in step.
      for (const p of phones) schedule(p, rateSince + Math.random() * periodMs);
    }
    return true;
  },
  record() {
    loopDelay.reset();
    recordSince = performance.now();
    ackLat.reset();
    sent = 0; ok = 0; disconnects = 0; errors = {};
    answers = { accepted: 0, declined: 0, refused: 0 };
    return true;
  },
  report() {
    return { ms: performance.now() - recordSince, sent, ok, errors, inflight, disconnects, ackLatency: ackLat.toJSON(), loopMaxMs: loopDelay.max / 1e6, answers, connected: phones.filter((p) => p.socket.connected).length };
  },
  close() {
    clearInterval(timer);
    timer = undefined;
    rate = 0;
    for (const p of phones) p.socket.close();
    phones = [];
    return true;
  },
});
