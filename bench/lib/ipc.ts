// Request/response over Node's IPC channel between the bench and its load-generating child processes.
import { fork, type ChildProcess } from 'node:child_process';

interface Envelope { id: number; type: string; body?: unknown; result?: unknown; error?: string }

export interface Worker {
  pid: number;
  proc: ChildProcess;
  call<T = unknown>(type: string, body?: unknown, timeoutMs?: number): Promise<T>;
  stop(): Promise<void>;
}

/** Forks a TypeScript worker (through tsx's loader, so the pid is the worker itself, not a tsx wrapper). */
export function spawnWorker(file: string, env: NodeJS.ProcessEnv = {}, nodeFlags: string[] = []): Worker {
  const proc = fork(file, [], { execArgv: [...nodeFlags, '--import', 'tsx'], env: { ...process.env, ...env }, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  let next = 1;
  const pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void; timer: NodeJS.Timeout }>();
  proc.on('message', (m: Envelope) => {
    const p = pending.get(m.id);
    if (!p) return;
    pending.delete(m.id);
    clearTimeout(p.timer);
    if (m.error) p.reject(new Error(m.error)); else p.resolve(m.result);
  });
  proc.on('exit', (code) => {
    for (const p of pending.values()) { clearTimeout(p.timer); p.reject(new Error(`${file} exited with ${code}`)); }
    pending.clear();
  });
  return {
    pid: proc.pid!,
    proc,
    call<T>(type: string, body?: unknown, timeoutMs = 600_000) {
      return new Promise<T>((resolve, reject) => {
        const id = next++;
        const timer = setTimeout(() => { pending.delete(id); reject(new Error(`${file}: ${type} timed out`)); }, timeoutMs);
        pending.set(id, { resolve: resolve as (v: unknown) => void, reject, timer });
        proc.send({ id, type, body } satisfies Envelope);
      });
    },
    async stop() {
      if (proc.exitCode !== null || proc.signalCode) return;
      const exited = new Promise<void>((r) => proc.once('exit', () => r()));
      proc.kill('SIGTERM');
      const t = setTimeout(() => proc.kill('SIGKILL'), 5000);
      await exited;
      clearTimeout(t);
    },
  };
}

/** Worker side: answers each request with its handler's result; exits when the parent goes away. */
export function serve(handlers: Record<string, (body: any) => unknown>): void {
  process.on('message', async (m: Envelope) => {
    try {
      const h = handlers[m.type];
      if (!h) throw new Error(`unknown request ${m.type}`);
      process.send!({ id: m.id, result: await h(m.body) });
    } catch (e) {
      process.send!({ id: m.id, error: (e as Error).message ?? String(e) });
    }
  });
  process.on('disconnect', () => process.exit(0));
  process.on('SIGTERM', () => process.exit(0));
}
