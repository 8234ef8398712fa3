// Server time from the client's clock: an offset measured on each snapshot and refined by round-trip pings.

export interface ClockSample { offsetMs: number; rttMs: number; at: number }

/** Offset from a snapshot: its serverTime was stamped before sending, so it carries a one-way delay (unknown RTT). */
export function snapshotSample(serverTime: string, receivedAt: number): ClockSample {
  return { offsetMs: Date.parse(serverTime) - receivedAt, rttMs: Number.POSITIVE_INFINITY, at: receivedAt };
}

/** Offset from a ping: the server stamped its time half-way through the round trip, on average. */
export function pingSample(serverTime: string, sentAt: number, receivedAt: number): ClockSample {
  const rtt = Math.max(0, receivedAt - sentAt);
  return { offsetMs: Date.parse(serverTime) + rtt / 2 - receivedAt, rttMs: rtt, at: receivedAt };
}

/**
 * The best estimate: among recent samples, the one with the smallest round trip (least queueing noise).
 * Samples older than `maxAgeMs` are dropped so a drifting PC clock is followed.
 */
export function bestOffset(samples: readonly ClockSample[], now: number, maxAgeMs = 10 * 60_000): number | null {
  let best: ClockSample | null = null;
  for (const s of samples) {
    if (now - s.at > maxAgeMs) continue;
    if (!best || s.rttMs < best.rttMs || (s.rttMs === best.rttMs && s.at > best.at)) best = s;
  }
  return best ? best.offsetMs : null;
}

/** Keeps the last `max` samples. */
export function addSample(samples: readonly ClockSample[], s: ClockSample, max = 8): ClockSample[] {
  return [...samples, s].slice(-max);
}
