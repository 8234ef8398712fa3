// `npm run bench -- --profile city|stress --quick`: both load profiles run end to end (their own PostgreSQL, the
// real server, phones, screens, tickets, the raw pipeline beside ours) so the harness cannot rot. Figures are not
// judged here (a timed unit test on shared cores says nothing); that each is measured is.
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const B = suite('bench profiles');

function bench(args: string[]): Promise<Record<string, any>> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', path.join(root, 'bench/run.ts'), ...args], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '', err = '';
    child.stdout.on('data', (b) => { out += b; });
    child.stderr.on('data', (b) => { err = (err + b).slice(-4000); });
    const kill = setTimeout(() => child.kill('SIGKILL'), 100_000);
    child.on('exit', (code) => {
      clearTimeout(kill);
      if (code !== 0) return reject(new Error(`bench ${args.join(' ')} exited ${code}:\n${err}`));
      try { resolve(JSON.parse(out.trim().split('\n').at(-1)!)); } catch { reject(new Error(`no JSON from bench:\n${out}\n${err}`)); }
    });
  });
}

const measured = (o: Record<string, any>, keys: string[]) => {
  for (const k of keys) assert.type(k.split('.').reduce((x, p) => x?.[p], o), 'number', `${k} measured`);
};

B('--profile city and --profile stress (quick) each measure ours and the raw pipeline at the same rate, storage and costs', async () => {
  // Side by side: each has its own database and ports; together they stay well under a minute.
  const [city, stress] = await Promise.all([bench(['--profile', 'city', '--quick', '--json', '--pg-statements', '--raw-with-statement']), bench(['--profile', 'stress', '--quick', '--json', '--raw-with-statement'])]);
  for (const o of [city, stress]) {
    measured(o, ['persisted_per_s', 'position_to_dashboard_p50_ms', 'position_to_dashboard_p99_ms', 'raw_pipeline.at_main_rate.p50_ms',
      'raw_pipeline.at_main_rate.p99_ms', 'ticket_to_dashboard_p99_ms', 'position_bytes_per_1000', 'wal_bytes_per_point',
      'per_socket.phone_rss_kb', 'tickets.changes_per_s', 'offers_in_window.made', 'offers_in_window.expired', 'offers_in_window.accepted']);
    assert.is(o.raw_pipeline.at_main_rate.rate, o.options.rate, 'the raw pipeline ran at our rate');
    assert.ok(o.tickets.tickets_created > 0 && o.tickets.tickets_not_on_every_dashboard === 0);
    assert.is(o.ack_errors && Object.keys(o.ack_errors).length, 0, 'no position refused');
  }
  assert.is(city.options.jitter, 0.2, 'city phones report on their own jittered timers');
  assert.ok(city.tickets.tickets_created > city.options.ticketRate * city.options.ticketSeconds, 'bursts on top of the even rate');
  assert.equal(city.profile_targets.map((t: { name: string }) => t.name), ['position → dashboard p50 ÷ raw pipeline\'s', 'position → dashboard p99 ÷ raw pipeline\'s', 'ticket 201 → every dashboard p99 (ms)']);
  // --pg-statements: the positions phase's statements by execution time, the position write among them.
  assert.ok(city.pg_statements.top.some((q: { query: string; calls: number }) => /INSERT INTO positions/.test(q.query) && q.calls > 0), 'the position write is among the statements');
  // --raw-with-statement: the raw pipeline once more, each beat written with our statement before it is sent and acked.
  measured(city, ['raw_pipeline.with_statement.p50_ms', 'raw_pipeline.with_statement.p99_ms']);
  assert.is(city.raw_pipeline.with_statement.rate, city.options.rate);
  assert.ok(city.raw_pipeline.with_statement.acked_per_s > 0 && city.raw_pipeline.with_statement.delivered_per_dashboard_per_s > 0);
  // On a curve (stress), the pipeline with the statement runs the same rates: its capacity beside ours and the raw one's.
  assert.equal(stress.raw_pipeline.with_statement_steps.map((x: { rate: number }) => x.rate), stress.raw_pipeline.steps.map((x: { rate: number }) => x.rate));
  assert.ok(stress.raw_pipeline.with_statement_steps.length >= 2);
  assert.type(stress.raw_pipeline.with_statement_within_targets_per_s, 'number');
  // One screen's traffic by event: position batches, and the board the wall shows.
  measured(city, ['screen_traffic_per_s.positions:batch.messages', 'screen_traffic_per_s.positions:batch.kb']);
  measured(stress, ['positions_capacity_per_s', 'raw_pipeline.within_targets_per_s']);
  assert.ok(stress.capacity_steps.length >= 1);
  assert.is(stress.profile_targets.length, 3);
  // The bench's server (and the raw pipeline beside it) runs with npm start's Node flags, and so does bench:wall's.
  const scripts = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')).scripts;
  const flagsOf = (script: string) => script.slice(script.indexOf('node ') + 5, script.indexOf(' --import')).split(' ');
  assert.ok(flagsOf(scripts.start).includes('--max-semi-space-size=64'));
  for (const o of [city, stress]) assert.equal(o.machine.server_node_flags, flagsOf(scripts.start));
  assert.equal(flagsOf(scripts['bench:wall']), flagsOf(scripts.start));
});

B.run();
