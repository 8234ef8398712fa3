// Logs every stretch this instance's event loop was held longer than a threshold — every position, ack and delta
// waits behind it — with what the process did meanwhile, so the cause can be told apart: the garbage collector (its
// pauses inside the stretch), our own CPU (user time ≈ the stretch), the kernel on our behalf (system time, page
// faults), or not running at all (little CPU, involuntary context switches: the machine's other work had the cores).
import { performance, PerformanceObserver, constants } from 'node:perf_hooks';
import type { Logger } from 'pino';

const TICK_MS = 20;
/** A stretch this long is logged (the wall's batches are 100 ms apart: two and more of them late). */
export const LOOP_STALL_LOG_MS = 200;

const GC_KIND: Record<number, string> = {
  [constants.NODE_PERFORMANCE_GC_MAJOR]: 'mark-compact', [constants.NODE_PERFORMANCE_GC_MINOR]: 'scavenge',
  [constants.NODE_PERFORMANCE_GC_INCREMENTAL]: 'incremental', [constants.NODE_PERFORMANCE_GC_WEAKCB]: 'weak callbacks',
};

interface Usage { at: number; r: NodeJS.ResourceUsage }

/** Starts watching; returns the function that stops it. */
export function watchLoopStalls(log: Logger, thresholdMs = LOOP_STALL_LOG_MS): () => void {
  const gcs: Array<{ start: number; ms: number; kind: string }> = [];
  const obs = new PerformanceObserver((list) => {
    for (const e of list.getEntries()) gcs.push({ start: e.startTime, ms: e.duration, kind: GC_KIND[(e as PerformanceEntry & { detail?: { kind?: number } }).detail?.kind ?? -1] ?? 'other' });
    if (gcs.length > 500) gcs.splice(0, gcs.length - 500);
  });
  obs.observe({ entryTypes: ['gc'] });
  let last: Usage = { at: performance.now(), r: process.resourceUsage() };
  const timer = setInterval(() => {
    const now: Usage = { at: performance.now(), r: process.resourceUsage() };
    const before = last;
    last = now;
    const held = now.at - before.at - TICK_MS;
    if (held < thresholdMs) return;
    // GC entries reach the observer after the pause: read them a moment later.
    setTimeout(() => {
      const inside = gcs.filter((g) => g.start + g.ms > before.at && g.start < now.at);
      const d = (k: keyof NodeJS.ResourceUsage) => (now.r[k] as number) - (before.r[k] as number);
      log.warn({
        ms: Math.round(held), gcMs: Math.round(inside.reduce((s, g) => s + g.ms, 0)),
        gcs: inside.map((g) => `${g.kind} ${Math.round(g.ms)} ms`),
        userCpuMs: Math.round(d('userCPUTime') / 1000), systemCpuMs: Math.round(d('systemCPUTime') / 1000),
        minorFaults: d('minorPageFault'), majorFaults: d('majorPageFault'), involuntarySwitches: d('involuntaryContextSwitches'),
      }, 'event loop held');
    }, 50).unref();
  }, TICK_MS);
  timer.unref();
  return () => { clearInterval(timer); obs.disconnect(); };
}
