// Latency histograms with 1 ms buckets: cheap to fill at millions of samples, mergeable across processes.

const MAX_MS = 120_000;

export class Hist {
  readonly buckets = new Uint32Array(MAX_MS + 1);
  count = 0;
  sum = 0;
  max = 0;

  add(ms: number) {
    const b = ms < 0 ? 0 : ms > MAX_MS ? MAX_MS : Math.round(ms);
    this.buckets[b]++;
    this.count++;
    this.sum += ms;
    if (ms > this.max) this.max = ms;
  }

  /** Adds n samples of the same value (one batch received at once). */
  addN(ms: number, n: number) {
    const b = ms < 0 ? 0 : ms > MAX_MS ? MAX_MS : Math.round(ms);
    this.buckets[b] += n;
    this.count += n;
    this.sum += ms * n;
    if (ms > this.max) this.max = ms;
  }

  percentile(p: number): number | null {
    if (this.count === 0) return null;
    const target = Math.ceil((p / 100) * this.count);
    let seen = 0;
    for (let i = 0; i < this.buckets.length; i++) {
      seen += this.buckets[i];
      if (seen >= target) return i;
    }
    return MAX_MS;
  }

  /** Sparse form for IPC: [bucket, count] pairs. */
  toJSON(): { pairs: Array<[number, number]>; count: number; sum: number; max: number } {
    const pairs: Array<[number, number]> = [];
    for (let i = 0; i < this.buckets.length; i++) if (this.buckets[i]) pairs.push([i, this.buckets[i]]);
    return { pairs, count: this.count, sum: this.sum, max: this.max };
  }

  merge(h: ReturnType<Hist['toJSON']>) {
    for (const [b, n] of h.pairs) this.buckets[b] += n;
    this.count += h.count;
    this.sum += h.sum;
    if (h.max > this.max) this.max = h.max;
    return this;
  }

  reset() { this.buckets.fill(0); this.count = 0; this.sum = 0; this.max = 0; }
}

export type HistJson = ReturnType<Hist['toJSON']>;

export function quantile(xs: number[], p: number): number | null {
  if (xs.length === 0) return null;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))];
}
