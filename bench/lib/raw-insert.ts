// The raw write limit: batches of 1,000 positions written back to back, with the very transaction ingest.ts runs
// (history INSERT joined to on-duty responders, latest-position upsert, routing SELECT), over one TCP_NODELAY connection.
import { connect } from '../../server/db/connect.ts';
import { Hist } from './hist.ts';

export interface RawInsertResult { rows_per_s: number; batches: number; batch_p50_ms: number | null; batch_p99_ms: number | null }

export async function rawBatchedInsert(url: string, responderIds: string[], seconds: number, batchSize = 1000): Promise<RawInsertResult> {
  const sql = connect(url, { max: 1, applicationName: 'grid-ops-bench-raw' });
  const hist = new Hist();
  let rows = 0, batches = 0, next = 0;
  try {
    const t0 = performance.now();
    const deadline = t0 + seconds * 1000;
    while (performance.now() < deadline) {
      const at = new Date().toISOString();
      // Distinct responders per batch, as after the ingest's coalescing.
      const ids = Array.from({ length: batchSize }, () => responderIds[next++ % responderIds.length]);
      const lats = ids.map(() => 39 + Math.random() * 0.1), lngs = ids.map(() => 117 + Math.random() * 0.1);
      const ats = ids.map(() => at), accs = ids.map(() => 8);
      const b0 = performance.now();
      await sql.begin(async (tx) => {
        await tx`
          INSERT INTO positions (responder_id, at, lat, lng, accuracy)
          SELECT u.id, u.at, u.lat, u.lng, u.acc
          FROM unnest(${ids}::bigint[], ${ats}::timestamptz[], ${lats}::float8[], ${lngs}::float8[], ${accs}::real[]) AS u(id, at, lat, lng, acc)
          JOIN responders r ON r.id = u.id AND r.duty_status <> 'off_duty'
          RETURNING responder_id::text`;
        await tx`
          INSERT INTO latest_positions (responder_id, at, lat, lng, accuracy)
          SELECT u.id, u.at, u.lat, u.lng, u.acc
          FROM unnest(${ids}::bigint[], ${ats}::timestamptz[], ${lats}::float8[], ${lngs}::float8[], ${accs}::real[]) AS u(id, at, lat, lng, acc)
          JOIN responders r ON r.id = u.id AND r.duty_status <> 'off_duty'
          ON CONFLICT (responder_id) DO UPDATE SET at = EXCLUDED.at, lat = EXCLUDED.lat, lng = EXCLUDED.lng, accuracy = EXCLUDED.accuracy
          WHERE latest_positions.at <= EXCLUDED.at`;
        await tx`
          SELECT r.id::text, r.street_office_id::text, ARRAY(SELECT grid_id::text FROM responder_grids g WHERE g.responder_id = r.id) AS grid_ids
          FROM responders r WHERE r.id = ANY(${ids}::bigint[]) AND r.duty_status <> 'off_duty'`;
      });
      hist.add(performance.now() - b0);
      rows += batchSize;
      batches++;
    }
    const s = (performance.now() - t0) / 1000;
    return { rows_per_s: Math.round(rows / s), batches, batch_p50_ms: hist.percentile(50), batch_p99_ms: hist.percentile(99) };
  } finally {
    await sql.end({ timeout: 1 });
  }
}
