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
    // What plain Socket.IO itself reaches when phones' reports must come in and be acked (the raw pipeline) puts
    // the ratio in context: a share above its own is out of reach for any server on this machine.
    const pipe = o.raw_pipeline_updates_per_s ? `plain Socket.IO's own pipeline (reports in, acks, no database) peaks at ${o.raw_pipeline_updates_per_s.toLocaleString('en-US')}/s = ${ratioOf(o.raw_pipeline_updates_per_s, o.raw_broadcast_updates_per_s)} of it` : undefined;
    t.push({ name: 'share of the raw broadcast limit', value: r, goal: '≥ 0.5', met: r >= 0.5 ? true : capped ? null : false, note: capped && r < 0.5 ? ['the run kept up with the offered rate: raise --rate or use --steps to find the limit', pipe].filter(Boolean).join('; ') : pipe });
  }
  const floor = (q: 'p50_ms' | 'p99_ms') => (o.raw_pipeline?.at_main_rate?.[q] != null ? `plain Socket.IO without a database: ${o.raw_pipeline.at_main_rate[q]} ms at ${o.raw_pipeline.at_main_rate.rate.toLocaleString('en-US')}/s` : undefined);
  t.push({ name: 'position → dashboard p50 (ms)', value: o.position_to_dashboard_p50_ms, goal: '≤ 100', met: le(o.position_to_dashboard_p50_ms, 100), note: floor('p50_ms') });
  t.push({ name: 'position → dashboard p99 (ms)', value: o.position_to_dashboard_p99_ms, goal: '≤ 250', met: le(o.position_to_dashboard_p99_ms, 250), note: floor('p99_ms') });
  t.push({ name: 'ticket 201 → every dashboard p99 (ms)', value: o.ticket_to_dashboard_p99_ms, goal: '≤ 100', met: le(o.ticket_to_dashboard_p99_ms, 100) && o.tickets.tickets_not_on_every_dashboard === 0 });
  t.push({ name: 'server CPU % of a core per 1,000 updates/s', value: o.server_cpu_pct_per_1000_updates_s, goal: '≤ 10', met: le(o.server_cpu_pct_per_1000_updates_s, 10) });
  // Flat: the least-squares trend would add under 5% of the start RSS over 5 minutes.
  const rss = o.server_rss_mb;
  const flat = rss.slope_mb_per_min != null && rss.start ? Math.abs(rss.slope_mb_per_min * 5) <= 0.05 * rss.start : null;
  t.push({ name: 'server RSS flat (MB/min trend)', value: rss.slope_mb_per_min, goal: '±5% over 5 min', met: flat, note: opt.windowS < 300 ? `only ${opt.windowS} s measured; run --minutes 5 for the soak` : undefined });
  return t;
}

/**
 * Issue #14: ours against the raw pipeline at the same rate in the same run. city: p50 ≤ 1.15 ×, p99 ≤ 1.3 ×, ticket
 * 201 → every dashboard p99 ≤ 100 ms; stress: p50 ≤ 1.2 ×, p99 ≤ 1.3 ×, and the highest rate within p50 100 / p99
 * 250 ms at least 0.7 × the raw pipeline's.
 */
export function profileTargets(o: Out, opt: { profile: 'city' | 'stress' }): Target[] {
  const raw = o.raw_pipeline?.at_main_rate;
  const times = (ours: unknown, floor: unknown) => (typeof ours === 'number' && typeof floor === 'number' && floor > 0 ? Math.round((ours / floor) * 100) / 100 : null);
  const at = (q: 'p50_ms' | 'p99_ms', goal: number) => {
    const r = times(o[`position_to_dashboard_${q}`], raw?.[q]);
    return { name: `position → dashboard ${q.slice(0, 3)} ÷ raw pipeline's`, value: r, goal: `≤ ${goal} ×`, met: r == null ? false : r <= goal, note: raw ? `${o[`position_to_dashboard_${q}`]} ms against ${raw[q]} ms at ${raw.rate.toLocaleString('en-US')}/s` : 'the raw pipeline did not run' };
  };
  const t: Target[] = [];
  if (opt.profile === 'city') {
    t.push(at('p50_ms', 1.15), at('p99_ms', 1.3));
    t.push({ name: 'ticket 201 → every dashboard p99 (ms)', value: o.ticket_to_dashboard_p99_ms, goal: '≤ 100', met: typeof o.ticket_to_dashboard_p99_ms === 'number' && o.ticket_to_dashboard_p99_ms <= 100 && o.tickets?.tickets_not_on_every_dashboard === 0 });
  } else {
    t.push(at('p50_ms', 1.2), at('p99_ms', 1.3));
    const ours = o.positions_capacity_per_s, floor = o.raw_pipeline?.within_targets_per_s;
    const r = typeof ours === 'number' && floor ? Math.round((ours / floor) * 100) / 100 : null;
    t.push({ name: 'rate within p50 100 / p99 250 ms ÷ raw pipeline\'s', value: r, goal: '≥ 0.7', met: r == null ? false : r >= 0.7, note: `ours ${fmt(ours)}/s, raw pipeline ${fmt(floor)}/s on the same curve` });
  }
  return t;
}

const ratioOf = (x: number, y: number) => (y > 0 ? Math.round((x / y) * 100) / 100 : '–');

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
    ['in the server: receipt → broadcast mean / p50 ≤ / p99 ≤ ms', `${fmt(o.server_delay_mean_ms)} / ${fmt(o.server_delay_p50_le_ms)} / ${fmt(o.server_delay_p99_le_ms)}`],
    ['seconds of the window with most points > 250 ms (s: share, max ms)', o.slow_seconds?.length ? o.slow_seconds.map((x: { sec: number; points: number; over_250_ms: number; max_ms: number }) => `${x.sec}: ${Math.round((x.over_250_ms / Math.max(1, x.points)) * 100)} %, ${x.max_ms}`).join('; ') : 'none'],
    ['offers in the window: made / expired unanswered; phones accepted / declined / refused', o.offers_in_window ? `${o.offers_in_window.made} / ${o.offers_in_window.expired}; ${o.offers_in_window.accepted} / ${o.offers_in_window.declined} / ${o.offers_in_window.refused}` : '–'],
    ['load generators\' longest event-loop delay ms: phone processes; screen processes', o.generators_loop_max_ms ? `${o.generators_loop_max_ms.phones.join(', ')}; ${o.generators_loop_max_ms.screens.join(', ')}` : '–'],
    ['server event-loop delay p50 / p99 / max ms; GC ms per s', `${fmt(o.event_loop_delay_p50_ms)} / ${fmt(o.event_loop_delay_p99_ms)} / ${fmt(o.event_loop_delay_max_ms)}; ${fmt(o.gc_ms_per_s)}`],
    ['capacity within latency targets /s (--steps)', o.positions_capacity_per_s],
    ['position → dashboard p50 / p99 / max ms', `${fmt(o.position_to_dashboard_p50_ms)} / ${fmt(o.position_to_dashboard_p99_ms)} / ${fmt(o.position_to_dashboard_max_ms)}`],
    ['one screen received per s, by event: messages, KB', Object.entries(o.screen_traffic_per_s ?? {}).map(([e, t]: [string, any]) => `${e} ${t.messages}, ${t.kb}`).join('; ') || '–'],
    ['position ack p50 / p99 ms', `${fmt(o.ack_p50_ms)} / ${fmt(o.ack_p99_ms)}`],
    ['ticket 201 → every dashboard p50 / p99 ms', `${fmt(o.ticket_to_dashboard_p50_ms)} / ${fmt(o.ticket_to_dashboard_p99_ms)}`],
    ['ticket POST sent → every dashboard p50 / p99 ms', `${fmt(o.tickets?.ticket_post_to_dashboard_p50_ms)} / ${fmt(o.tickets?.ticket_post_to_dashboard_p99_ms)}`],
    ['ticket HTTP p50 / p99 ms', `${fmt(o.tickets?.ticket_http_p50_ms)} / ${fmt(o.tickets?.ticket_http_p99_ms)}`],
    ['tickets created / not on every dashboard', `${fmt(o.tickets?.tickets_created)} / ${fmt(o.tickets?.tickets_not_on_every_dashboard)}`],
    ['server CPU % of a core (positions phase)', o.server_cpu_pct],
    ['server CPU % per 1,000 updates/s', o.server_cpu_pct_per_1000_updates_s],
    ['PostgreSQL / dashboards / responders CPU %', `${fmt(o.postgres_cpu_pct)} / ${fmt(o.dashboards_cpu_pct)} / ${fmt(o.responders_cpu_pct)}`],
    ['kernel irq (loopback TCP) / other CPU %', `${fmt(o.kernel_irq_cpu_pct)} / ${fmt(o.other_cpu_pct)}`],
    ['PostgreSQL in the window: checkpoints / autovacuums / autoanalyzes', `${fmt(o.postgres_background?.checkpoints)} / ${fmt(o.postgres_background?.autovacuums)} / ${fmt(o.postgres_background?.autoanalyzes)}${o.postgres_background?.vacuumed?.length ? ` (vacuumed: ${o.postgres_background.vacuumed.join(', ')})` : ''}`],
    ['machine CPU % (all cores), busy before start %', `${fmt(o.machine_cpu_pct)}, ${fmt(o.machine_busy_before_pct)}`],
    ['server RSS MB start / end / max, trend MB/min', `${fmt(o.server_rss_mb?.start)} / ${fmt(o.server_rss_mb?.end)} / ${fmt(o.server_rss_mb?.max)}, ${fmt(o.server_rss_mb?.slope_mb_per_min)}`],
    ['raw_batched_insert_rows_per_s (1,000/tx)', o.raw_batched_insert_rows_per_s],
    ['raw_broadcast_updates_per_s (per dashboard)', o.raw_broadcast_updates_per_s],
    ['raw pipeline (no DB) p50 / p99 ms at this rate', `${fmt(o.raw_pipeline_p50_ms)} / ${fmt(o.raw_pipeline_p99_ms)}`],
    ...(o.raw_pipeline?.with_statement ? [['raw pipeline + the position statement p50 / p99 ms; its server CPU %, machine %', `${fmt(o.raw_pipeline.with_statement.p50_ms)} / ${fmt(o.raw_pipeline.with_statement.p99_ms)}; ${fmt(o.raw_pipeline.with_statement.server_cpu_pct)}, ${fmt(o.raw_pipeline.with_statement.machine_cpu_pct)}`] as [string, string]] : []),
    ['raw pipeline (no DB) limit /s, server CPU % at this rate', `${o.raw_pipeline?.limit_above_steps ? '≥ ' : ''}${fmt(o.raw_pipeline_updates_per_s)}, ${fmt(o.raw_pipeline?.at_main_rate?.server_cpu_pct)}`],
    ['capacity curve (rate: p50/p99 ms) ours', (o.capacity_steps ?? []).map((x: any) => `${x.rate}: ${fmt(x.p50_ms)}/${fmt(x.p99_ms)}${x.within_targets ? '' : ' ✗'}`).join(', ') || '–'],
    ['capacity curve (rate: p50/p99 ms) raw pipeline', (o.raw_pipeline?.steps ?? []).map((x: any) => `${x.rate}: ${fmt(x.p50_ms)}/${fmt(x.p99_ms)}`).join(', ') || '–'],
    ...((o.raw_pipeline?.with_statement_steps ?? []).length > 1 ? [['capacity curve (rate: p50/p99 ms) raw pipeline + the position statement', o.raw_pipeline.with_statement_steps.map((x: any) => `${x.rate}: ${fmt(x.p50_ms)}/${fmt(x.p99_ms)}`).join(', ')] as [string, string]] : []),
    ['rate within p50 100 / p99 250: ours / raw pipeline' + (o.raw_pipeline?.with_statement ? ' / raw pipeline + the statement' : ''), `${fmt(o.positions_capacity_per_s)} / ${fmt(o.raw_pipeline?.within_targets_per_s)}${o.raw_pipeline?.with_statement ? ` / ${fmt(o.raw_pipeline.with_statement_within_targets_per_s)}` : ''}`],
    ['ratio positions / raw broadcast', o.ratio_positions_to_raw_broadcast],
    ['ratio positions / raw pipeline limit', o.ratio_positions_to_raw_pipeline],
    ['ratio persisted / raw insert', o.ratio_persisted_to_raw_insert],
    ['position history on disk: bytes per 1,000 points; MB per responder-day (a point / 5 s)', `${fmt(o.position_bytes_per_1000)}; ${o.position_bytes_per_1000 ? fmt(Math.round((o.position_bytes_per_1000 * 17.28) / 1e4) / 100) : '–'}`],
    ['write cost per point: WAL bytes; DB write µs (flush ÷ points); PostgreSQL CPU %/1k/s', `${fmt(o.wal_bytes_per_point)}; ${o.flushes && o.flush_mean_ms != null ? fmt(Math.round((o.flush_mean_ms * 1000) / ((o.persisted_per_s * o.window_s) / o.flushes))) : '–'}; ${fmt(o.postgres_cpu_pct_per_1000_per_s)}`],
    ['per socket (server): RSS KB dashboard / phone; idle CPU % with all connected', `${fmt(o.per_socket?.dashboard_rss_kb)} / ${fmt(o.per_socket?.phone_rss_kb)}; ${fmt(o.per_socket?.idle_server_cpu_pct)} (${fmt(o.per_socket?.sockets)} sockets)`],
    ['per ticket: server / PostgreSQL CPU ms (above the position load)', `${fmt(o.per_ticket?.server_cpu_ms)} / ${fmt(o.per_ticket?.postgres_cpu_ms)}`],
    ['tickets/s; outbox rows/s, per ticket, bytes/row; sessions, bytes/row', `${fmt(o.tickets?.tickets_per_s)}; ${fmt(o.tickets?.changes_per_s)}, ${fmt(o.tickets?.changes_per_ticket)}, ${fmt(o.tickets?.changes_bytes_per_row)}; ${fmt(o.tickets?.sessions)}, ${fmt(o.tickets?.sessions_bytes_per_row)}`],
    ['dashboard snapshot p50 / p99 ms, size MB', `${fmt(o.dashboards_connect?.snapshot_p50_ms)} / ${fmt(o.dashboards_connect?.snapshot_p99_ms)}, ${fmt(Math.round((o.dashboards_connect?.snapshot_bytes ?? 0) / 1e5) / 10)}`],
    ['connect: dashboards s / responders s', `${fmt(o.dashboards_connect?.total_s)} / ${fmt(o.responders_connect?.total_s)}`],
    ['disconnects (dash / resp), delta gaps', `${fmt(o.dashboard_disconnects)} / ${fmt(o.responder_disconnects)}, ${fmt(o.delta_gaps)}`],
  ];
  const w = Math.max(...rows.map(([k]) => k.length));
  const lines = [`grid-ops bench (profile ${o.options.profile}${o.options.quick ? ', quick' : ''}) — ${o.options.instances} server instance${o.options.instances > 1 ? "s" : ""}, ${o.options.dashboards} dashboards, ${o.options.responders} responders at ${o.options.rate}/s, ${o.window_s} s window, ${o.machine.cores} cores, Node ${o.machine.node} ${(o.machine.server_node_flags ?? []).join(' ')}`, ''];
  for (const [k, v] of rows) lines.push(`  ${k.padEnd(w)}  ${fmt(v)}`);
  lines.push('', '  targets (issue #3)');
  for (const t of o.targets as Target[]) {
    const mark = t.met == null ? 'n/a ' : t.met ? 'MET ' : 'MISS';
    lines.push(`  [${mark}] ${t.name.padEnd(46)} ${fmt(t.value).padStart(10)}  goal ${t.goal}${t.note ? `  (${t.note})` : ''}`);
  }
  lines.push('', `  targets (issue #14, profile ${o.options.profile}: ours beside the raw pipeline in the same run)`);
  for (const t of o.profile_targets as Target[]) lines.push(`  [${t.met == null ? 'n/a ' : t.met ? 'MET ' : 'MISS'}] ${t.name.padEnd(46)} ${fmt(t.value).padStart(10)}  goal ${t.goal}${t.note ? `  (${t.note})` : ''}`);
  console.log(lines.join('\n'));
}
