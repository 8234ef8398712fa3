// CPU profiles of the server during one phase (through its inspector), summarised into the functions and packages
// that took the most self time.
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import WebSocket from 'ws';

interface Node { id: number; callFrame: { functionName: string; url: string; lineNumber: number }; hitCount?: number; children?: number[] }
interface Profile { nodes: Node[]; samples: number[]; timeDeltas: number[] }

export interface ProfileLine { pct: number; ms: number; fn: string; where: string }

/** A profile frame's file as it is read: a package's path inside node_modules, or server/… and shared/…. */
const shortUrl = (url: string) => url.replace(/^file:\/\//, '').replace(/^.*\/node_modules\//, '').replace(/^.*\/(server|shared)\//, '$1/');

/** Self time by function and by package (node_modules/<pkg>, the server's own files, node internals). */
export async function summariseProfiles(dir: string, top = 25): Promise<{ functions: ProfileLine[]; packages: ProfileLine[] }> {
  const files = (await readdir(dir)).filter((f) => f.endsWith('.cpuprofile'));
  const byFn = new Map<string, number>(), byPkg = new Map<string, number>();
  let total = 0;
  for (const f of files) {
    const p = JSON.parse(await readFile(path.join(dir, f), 'utf8')) as Profile;
    const nodes = new Map(p.nodes.map((n) => [n.id, n]));
    for (let i = 0; i < p.samples.length; i++) {
      const n = nodes.get(p.samples[i])!;
      const dt = (p.timeDeltas[i] ?? 0) / 1000;
      const url = n.callFrame.url.replace(/^file:\/\//, '');
      const name = n.callFrame.functionName || '(anonymous)';
      // Idle is time the event loop waited: not CPU. (program) and (garbage collector) are kept.
      if (name === '(idle)') continue;
      const where = url ? `${shortUrl(url)}:${n.callFrame.lineNumber + 1}` : '';
      const pkg = !url ? name : url.includes('/node_modules/') ? url.replace(/^.*\/node_modules\/((@[^/]+\/)?[^/]+).*$/, '$1') : url.startsWith('node:') ? 'node internals' : 'grid-ops';
      byFn.set(`${name}\t${where}`, (byFn.get(`${name}\t${where}`) ?? 0) + dt);
      byPkg.set(pkg, (byPkg.get(pkg) ?? 0) + dt);
      total += dt;
    }
  }
  const lines = (m: Map<string, number>) => [...m].sort((a, b) => b[1] - a[1]).slice(0, top).map(([k, ms]) => {
    const [fn, where = ''] = k.split('\t');
    return { pct: Math.round((ms / Math.max(1, total)) * 1000) / 10, ms: Math.round(ms), fn, where };
  });
  return { functions: lines(byFn), packages: lines(byPkg) };
}

interface HeapNode { callFrame: Node['callFrame']; selfSize: number; children: HeapNode[] }
export interface HeapLine { pct: number; kb: number; fn: string; caller: string }

/** What the young generation promoted during a heap sampling (objects a scavenge freed are not sampled; those freed
 *  by a mark-compact, or still alive, are), by allocating function and its caller, and by the innermost frame of our
 *  own code on the stack (server/… or shared/…): "postgres.js parsed rows" alone does not say whose rows. */
export async function summariseHeapProfiles(dir: string, top = 25): Promise<{ allocators: HeapLine[]; ours: HeapLine[] }> {
  const files = (await readdir(dir)).filter((f) => f.endsWith('.heapprofile'));
  const byFn = new Map<string, number>(), byOurs = new Map<string, number>();
  let total = 0;
  const walk = (n: HeapNode, caller: string, ours: string, oursCaller: string) => {
    const url = n.callFrame.url;
    const here = `${n.callFrame.functionName || '(anonymous)'} ${url ? `${shortUrl(url)}:${n.callFrame.lineNumber + 1}` : ''}`;
    const mine = /\/(server|shared)\//.test(url) && !url.includes('/node_modules/');
    const [o, oc] = mine ? [here, ours] : [ours, oursCaller];
    if (n.selfSize) {
      // Keyed by the allocating function and its caller: "Buffer.alloc" alone says little.
      const key = `${here}\t${caller}`;
      byFn.set(key, (byFn.get(key) ?? 0) + n.selfSize);
      const okey = `${o || '(no frame of ours)'}\t${oc}`;
      byOurs.set(okey, (byOurs.get(okey) ?? 0) + n.selfSize);
      total += n.selfSize;
    }
    for (const c of n.children) walk(c, here, o, oc);
  };
  for (const f of files) walk((JSON.parse(await readFile(path.join(dir, f), 'utf8')) as { head: HeapNode }).head, '', '', '');
  const lines = (m: Map<string, number>) => [...m].sort((a, b) => b[1] - a[1]).slice(0, top).map(([k, bytes]) => {
    const [fn, caller = ''] = k.split('\t');
    return { pct: Math.round((bytes / Math.max(1, total)) * 1000) / 10, kb: Math.round(bytes / 1024), fn, caller };
  });
  return { allocators: lines(byFn), ours: lines(byOurs) };
}

/** Starts V8's sampling profiler (and with `heap`, its sampling heap profiler) in the process behind
 *  `inspectorUrl`; stop() writes the .cpuprofile (and .heapprofile) into `dir`. */
export async function startProfile(inspectorUrl: string, dir: string, heap = false): Promise<{ stop(): Promise<void> }> {
  const ws = new WebSocket(inspectorUrl);
  await new Promise((resolve, reject) => { ws.once('open', resolve); ws.once('error', reject); });
  let id = 0;
  const waiting = new Map<number, (r: unknown) => void>();
  ws.on('message', (m) => {
    const msg = JSON.parse(String(m)) as { id?: number; result?: unknown };
    if (msg.id != null) waiting.get(msg.id)?.(msg.result);
  });
  const send = (method: string, params: object = {}) => new Promise<unknown>((resolve) => {
    waiting.set(++id, resolve);
    ws.send(JSON.stringify({ id, method, params }));
  });
  await send('Profiler.enable');
  await send('Profiler.setSamplingInterval', { interval: 500 });
  await send('Profiler.start');
  // Objects a scavenge freed are left out, those a mark-compact freed kept: what remains is what was promoted.
  if (heap) await send('HeapProfiler.startSampling', { samplingInterval: 16384, includeObjectsCollectedByMajorGC: true, includeObjectsCollectedByMinorGC: false });
  return {
    async stop() {
      const { profile } = await send('Profiler.stop') as { profile: unknown };
      await mkdir(dir, { recursive: true });
      await writeFile(path.join(dir, `server-${Date.now()}.cpuprofile`), JSON.stringify(profile));
      if (heap) {
        const { profile: hp } = await send('HeapProfiler.getSamplingProfile') as { profile: unknown };
        await send('HeapProfiler.stopSampling');
        await writeFile(path.join(dir, `server-${Date.now()}.heapprofile`), JSON.stringify(hp));
      }
      ws.close();
    },
  };
}

export interface Block { ms: number; top: string }

/**
 * Stretches of the profile in which the event loop never went idle for `minMs` or longer — what a point or a ticket
 * waiting in the loop waited behind: their count, the longest (with the functions that took most of each), and the
 * self time inside all of them by function and by the entry point that started the work (a timer, socket data, …).
 */
export async function summariseBlocks(dir: string, minMs = 50, top = 12): Promise<{ count: number; ms: number; longest: Block[]; functions: ProfileLine[]; entries: ProfileLine[] }> {
  const files = (await readdir(dir)).filter((f) => f.endsWith('.cpuprofile'));
  const byFn = new Map<string, number>(), byEntry = new Map<string, number>();
  const longest: Block[] = [];
  let count = 0, total = 0;
  for (const f of files) {
    const p = JSON.parse(await readFile(path.join(dir, f), 'utf8')) as Profile;
    const nodes = new Map(p.nodes.map((n) => [n.id, n]));
    const parent = new Map<number, number>();
    for (const n of p.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
    const label = (n: Node) => `${n.callFrame.functionName || '(anonymous)'} ${shortUrl(n.callFrame.url)}`.trim();
    // The frame just below (root): what started this work.
    const entryOf = (id: number) => {
      let cur = id;
      while (parent.has(cur) && parent.get(cur) !== p.nodes[0].id) cur = parent.get(cur)!;
      return label(nodes.get(cur)!);
    };
    let run: Array<[number, number]> = [];
    const close = () => {
      const ms = run.reduce((s, [, dt]) => s + dt, 0);
      if (ms >= minMs) {
        count++; total += ms;
        const mine = new Map<string, number>();
        for (const [id, dt] of run) {
          const n = nodes.get(id)!;
          mine.set(label(n), (mine.get(label(n)) ?? 0) + dt);
          byFn.set(label(n), (byFn.get(label(n)) ?? 0) + dt);
          const e = entryOf(id);
          byEntry.set(e, (byEntry.get(e) ?? 0) + dt);
        }
        longest.push({ ms: Math.round(ms), top: [...mine].sort((a, b) => b[1] - a[1]).slice(0, 4).map(([fn, t]) => `${fn} ${Math.round((t / ms) * 100)}%`).join(', ') });
      }
      run = [];
    };
    for (let i = 0; i < p.samples.length; i++) {
      const n = nodes.get(p.samples[i])!;
      const dt = (p.timeDeltas[i] ?? 0) / 1000;
      if (n.callFrame.functionName === '(idle)') close();
      else run.push([n.id, dt]);
    }
    close();
  }
  const lines = (m: Map<string, number>) => [...m].sort((a, b) => b[1] - a[1]).slice(0, top).map(([fn, ms]) => ({ pct: Math.round((ms / Math.max(1, total)) * 1000) / 10, ms: Math.round(ms), fn, where: '' }));
  return { count, ms: Math.round(total), longest: longest.sort((a, b) => b.ms - a.ms).slice(0, 8), functions: lines(byFn), entries: lines(byEntry) };
}
