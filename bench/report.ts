// The bench's verdict: issue #3's targets checked against the measured figures, and the human-readable table.

type Out = Record<string, any>;
export interface Target { name: string; value: number | string | null; goal: string; met: boolean | null; note?: string }

export function targets(o: Out, opt: { dashboards: number; rate: number; windowS: number }): Target[] {
  const t: Target[] = [];
  // A figure that could not be measured (nothing arrived) fails its target rather than passing `null <= x`.
  const le = (v: unknown, goal: number) => typeof v === 'number' && v <= goal;
  const full = opt.dashboards >= 200 && opt.rate >= 10_000;
  const scaleNote = full ? undefined : `run at ${opt.dashboards} dashboards / ${opt.rate}/s: the target is stated for 200 / 10,000`;
  t.push({ name: 'positions/s end to end (persisted and delivered)', value: o.positions_per_s, goal: '≥ 10,000', met: full ? o.positions_per_s >= 10_000 : null, note: scaleNote });
  if (o.raw_broadcast_updates_per_s != null) {
    // Below capacity the ratio only restates the offered rate: it can pass, but not fail.
    const r = o.ratio_positions_to_raw_broadcast;
    const capped = o.sustained && o.positions_capacity_per_s == null;
    t.push({ name: 'share of the raw broadcast limit', value: r, goal: '≥ 0.5', met: r >= 0.5 ? true : capped ? null : false, note: capped && r < 0.5 ? 'the run kept up with the offered rate: raise --rate or use --steps to find the limit' : undefined });
  }
  t.push({ name: 'position → dashboard p50 (ms)', value: o.position_to_dashboard_p50_ms, goal: '≤ 100', met: le(o.position_to_dashboard_p50_ms, 100) });
  t.push({ name: 'position → dashboard p99 (ms)', value: o.position_to_dashboard_p99_ms, goal: '≤ 250', met: le(o.position_to_dashboard_p99_ms, 250) });
  t.push({ name: 'ticket 201 → every dashboard p99 (ms)', value: o.ticket_to_dashboard_p99_ms, goal: '≤ 100', met: le(o.ticket_to_dashboard_p99_ms, 100) && o.tickets.tickets_not_on_every_dashboard === 0 });
  t.push({ name: 'server CPU % of a core per 1,000 updates/s', value: o.server_cpu_pct_per_1000_updates_s, goal: '≤ 10', met: le(o.server_cpu_pct_per_1000_updates_s, 10) });
  // Flat: the least-squares trend would add under 5% of the start RSS over 5 minutes.
  const rss = o.server_rss_mb;
  const flat = rss.slope_mb_per_min != null && rss.start ? Math.abs(rss.slope_mb_per_min * 5) <= 0.05 * rss.start : null;
  t.push({ name: 'server RSS flat (MB/min trend)', value: rss.slope_mb_per_min, goal: '±5% over 5 min', met: flat, note: opt.windowS < 300 ? `only ${opt.windowS} s measured; run --minutes 5 for the soak` : undefined });
  return t;
}

const fmt = (v: unknown) => (v == null ? '–' : typeof v === 'number' ? v.toLocaleString('en-US') : typeof v === 'object' ? JSON.stringify(v) : String(v));

export function printTable(o: Out) {
  const rows: Array<[string, unknown]> = [
    ['positions offered (responders → server) /s', o.offered_per_s],
    ['positions persisted (rows in positions) /s', o.persisted_per_s],
    ['positions acked ok /s', o.acked_ok_per_s],
    ['positions delivered per dashboard /s (avg)', o.delivered_per_dashboard_per_s],
    ['positions delivered per dashboard /s (slowest)', o.delivered_min_dashboard_per_s],
    ['positions_per_s (min of persisted, delivered)', o.positions_per_s],
    ['kept up with the offered rate', o.sustained],
    ['position flush (DB write) mean / p50 ≤ / p99 ≤ ms', `${fmt(o.flush_mean_ms)} / ${fmt(o.flush_p50_le_ms)} / ${fmt(o.flush_p99_le_ms)}`],
    ['capacity within latency targets /s (--steps)', o.positions_capacity_per_s],
    ['position → dashboard p50 / p99 / max ms', `${fmt(o.position_to_dashboard_p50_ms)} / ${fmt(o.position_to_dashboard_p99_ms)} / ${fmt(o.position_to_dashboard_max_ms)}`],
    ['position ack p50 / p99 ms', `${fmt(o.ack_p50_ms)} / ${fmt(o.ack_p99_ms)}`],
    ['ticket 201 → every dashboard p50 / p99 ms', `${fmt(o.ticket_to_dashboard_p50_ms)} / ${fmt(o.ticket_to_dashboard_p99_ms)}`],
    ['ticket POST sent → every dashboard p50 / p99 ms', `${fmt(o.tickets?.ticket_post_to_dashboard_p50_ms)} / ${fmt(o.tickets?.ticket_post_to_dashboard_p99_ms)}`],
    ['ticket HTTP p50 / p99 ms', `${fmt(o.tickets?.ticket_http_p50_ms)} / ${fmt(o.tickets?.ticket_http_p99_ms)}`],
    ['tickets created / not on every dashboard', `${fmt(o.tickets?.tickets_created)} / ${fmt(o.tickets?.tickets_not_on_every_dashboard)}`],
    ['server CPU % of a core (positions phase)', o.server_cpu_pct],
    ['server CPU % per 1,000 updates/s', o.server_cpu_pct_per_1000_updates_s],
    ['PostgreSQL / dashboards / responders CPU %', `${fmt(o.postgres_cpu_pct)} / ${fmt(o.dashboards_cpu_pct)} / ${fmt(o.responders_cpu_pct)}`],
    ['kernel irq (loopback TCP) / other CPU %', `${fmt(o.kernel_irq_cpu_pct)} / ${fmt(o.other_cpu_pct)}`],
    ['machine CPU % (all cores), busy before start %', `${fmt(o.machine_cpu_pct)}, ${fmt(o.machine_busy_before_pct)}`],
    ['server RSS MB start / end / max, trend MB/min', `${fmt(o.server_rss_mb?.start)} / ${fmt(o.server_rss_mb?.end)} / ${fmt(o.server_rss_mb?.max)}, ${fmt(o.server_rss_mb?.slope_mb_per_min)}`],
    ['raw_batched_insert_rows_per_s (1,000/tx)', o.raw_batched_insert_rows_per_s],
    ['raw_broadcast_updates_per_s (per dashboard)', o.raw_broadcast_updates_per_s],
    ['ratio positions / raw broadcast', o.ratio_positions_to_raw_broadcast],
    ['ratio persisted / raw insert', o.ratio_persisted_to_raw_insert],
    ['dashboard snapshot p50 / p99 ms, size MB', `${fmt(o.dashboards_connect?.snapshot_p50_ms)} / ${fmt(o.dashboards_connect?.snapshot_p99_ms)}, ${fmt(Math.round((o.dashboards_connect?.snapshot_bytes ?? 0) / 1e5) / 10)}`],
    ['connect: dashboards s / responders s', `${fmt(o.dashboards_connect?.total_s)} / ${fmt(o.responders_connect?.total_s)}`],
    ['disconnects (dash / resp), delta gaps', `${fmt(o.dashboard_disconnects)} / ${fmt(o.responder_disconnects)}, ${fmt(o.delta_gaps)}`],
  ];
  const w = Math.max(...rows.map(([k]) => k.length));
  const lines = [`grid-ops bench — ${o.options.instances} server instance${o.options.instances > 1 ? "s" : ""}, ${o.options.dashboards} dashboards, ${o.options.responders} responders at ${o.options.rate}/s, ${o.window_s} s window, ${o.machine.cores} cores, Node ${o.machine.node}`, ''];
  for (const [k, v] of rows) lines.push(`  ${k.padEnd(w)}  ${fmt(v)}`);
  lines.push('', '  targets (issue #3)');
  for (const t of o.targets as Target[]) {
    const mark = t.met == null ? 'n/a ' : t.met ? 'MET ' : 'MISS';
    lines.push(`  [${mark}] ${t.name.padEnd(46)} ${fmt(t.value).padStart(10)}  goal ${t.goal}${t.note ? `  (${t.note})` : ''}`);
  }
  console.log(lines.join('\n'));
}
