// The event-loop watch (server/http/loop-stalls.ts): a held loop is logged with its length and what the process did
// meanwhile; an idle one is not.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import pino from 'pino';
import { watchLoopStalls } from '../server/http/loop-stalls.ts';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

test('a loop held 400 ms by our own work is logged as such; an idle loop is not', async () => {
  const lines: Array<Record<string, unknown>> = [];
  const log = pino({ level: 'warn' }, { write: (l: string) => lines.push(JSON.parse(l)) });
  const stop = watchLoopStalls(log, 150);
  try {
    await sleep(400);
    assert.equal(lines, [], 'idle: nothing logged');
    const until = performance.now() + 400;
    let x = 0;
    while (performance.now() < until) x += Math.sqrt(x + 1);
    await sleep(200);
    assert.is(lines.length, 1, `one line: ${JSON.stringify(lines)} (${x > 0})`);
    const l = lines[0];
    assert.is(l.msg, 'event loop held');
    assert.ok((l.ms as number) >= 350 && (l.ms as number) < 1500, `held ${l.ms} ms`);
    // Busy in JavaScript: the CPU went to this process's user time (less only if the machine took the core away).
    assert.ok((l.userCpuMs as number) > 0, `user CPU ${l.userCpuMs} ms`);
    for (const k of ['gcMs', 'systemCpuMs', 'minorFaults', 'majorFaults', 'involuntarySwitches']) assert.type(l[k], 'number', k);
    assert.ok(Array.isArray(l.gcs));
  } finally {
    stop();
  }
});

test.run();
