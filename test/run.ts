// Test entry: one real PostgreSQL for the whole run (embedded, or TEST_DATABASE_URL), then every *.test.ts with uvu.
// Usage: tsx test/run.ts [pattern]   e.g. `tsx test/run.ts tickets` runs files whose name contains "tickets".
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parse } from 'uvu/parse';
import { run } from 'uvu/run';
import { anyFreePort, startEmbedded } from '../server/db/embedded.ts';


const filter = process.argv[2];
let stop: (() => Promise<void>) | null = null;
let dir: string | null = null;
if (!process.env.TEST_DATABASE_URL) {
  dir = await mkdtemp(path.join(tmpdir(), 'gridops-test-'));
  await chmod(dir, 0o755); // the postgres OS user must be able to enter it
  const db = await startEmbedded(path.join(dir, 'pg'), await anyFreePort(), () => {}, 'postgres_admin');
  process.env.TEST_DATABASE_URL = db.url;
  stop = db.stop;
}
let code = 1;
try {
  const pattern = filter ? `${filter.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}.*\\.test\\.ts$` : '\\.test\\.ts$';
  const { suites } = await parse('test', pattern);
  // uvu prints its totals but returns nothing: read them off its output for the plain closing line CI expects.
  let out = '';
  const write = process.stdout.write.bind(process.stdout);
  process.stdout.write = ((chunk: string | Uint8Array, ...rest: never[]) => { out += String(chunk); return write(chunk, ...rest); }) as typeof process.stdout.write;
  await run(suites, { bail: false });
  process.stdout.write = write;
  code = Number(process.exitCode ?? 0);
  const plain = out.replace(/\x1b\[[0-9;]*m/g, '');
  const total = Number(/Total:\s+(\d+)/.exec(plain)?.[1] ?? 0), passed = Number(/Passed:\s+(\d+)/.exec(plain)?.[1] ?? 0);
  const skipped = Number(/Skipped:\s+(\d+)/.exec(plain)?.[1] ?? 0);
  console.log(`${passed} passed, ${total - passed - skipped} failed, ${skipped} skipped`);
  if (total === 0) code = 1;
} finally {
  await stop?.();
  if (dir) await rm(dir, { recursive: true, force: true });
}
process.exit(code);
