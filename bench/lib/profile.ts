// Summarises a V8 .cpuprofile (from the server's --cpu-prof) into the functions that took the most self time.
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';

interface Node { id: number; callFrame: { functionName: string; url: string; lineNumber: number }; hitCount?: number; children?: number[] }
interface Profile { nodes: Node[]; samples: number[]; timeDeltas: number[] }

export interface ProfileLine { pct: number; ms: number; fn: string; where: string }

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
      const where = url ? `${url.replace(/^.*\/node_modules\//, '').replace(/^.*\/(server|shared)\//, '$1/')}:${n.callFrame.lineNumber + 1}` : '';
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
