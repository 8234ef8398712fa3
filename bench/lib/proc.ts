// CPU and memory of processes read from /proc (what pidusage does, without the dependency). Linux only.
import { readFileSync, readdirSync } from 'node:fs';
import { execFileSync } from 'node:child_process';

/** Clock ticks per second of utime/stime in /proc/<pid>/stat (100 on practically every Linux). */
const HZ = (() => { try { return Number(execFileSync('getconf', ['CLK_TCK']).toString().trim()) || 100; } catch { return 100; } })();

interface Stat { ppid: number; ticks: number }

function stat(pid: number): Stat | null {
  try {
    const s = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) may contain spaces and parentheses: split after the last ')'.
    const f = s.slice(s.lastIndexOf(')') + 2).split(' ');
    return { ppid: Number(f[1]), ticks: Number(f[11]) + Number(f[12]) };
  } catch { return null; }
}

export function rssMb(pid: number): number | null {
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) / 1024 : null;
  } catch { return null; }
}

/** Total CPU seconds of a process, optionally with all its current children (PostgreSQL backends). */
export function cpuSeconds(pid: number, withChildren = false): number {
  let ticks = stat(pid)?.ticks ?? 0;
  if (withChildren) {
    for (const name of readdirSync('/proc')) {
      if (!/^\d+$/.test(name)) continue;
      const s = stat(Number(name));
      if (s && s.ppid === pid) ticks += s.ticks;
    }
  }
  return ticks / HZ;
}

/** Busy and total jiffies of the whole machine, for "how saturated were the 2 cores". */
export function machineTicks(): { busy: number; total: number; irq: number } {
  // user nice system idle iowait irq softirq steal
  const line = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).slice(1).map(Number);
  const idle = line[3] + (line[4] ?? 0);
  const total = line.slice(0, 8).reduce((a, b) => a + b, 0);
  return { busy: total - idle, total, irq: (line[5] ?? 0) + (line[6] ?? 0) };
}

/** A CPU meter over a window: percent of one core between start() and read(). */
export function cpuMeter(read: () => number) {
  let t0 = 0, c0 = 0;
  return {
    start() { t0 = performance.now(); c0 = read(); },
    pct(): number { const dt = (performance.now() - t0) / 1000; return dt > 0 ? ((read() - c0) / dt) * 100 : 0; },
  };
}
