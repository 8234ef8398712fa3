// The raw write limit: batches of 1,000 positions written back to back with the very statement ingest.ts runs
// (storePositions: on-duty check and routing, history insert, latest-position upsert), over one TCP_NODELAY connection.
import { connect } from '../../server/db/connect.ts';
import { storePositions } from '../../server/locations/ingest.ts';
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
      const at = Date.now();
      // Distinct responders per batch, as after the ingest's coalescing.
      const batch = Array.from({ length: batchSize }, () => ({ responderId: responderIds[next++ % responderIds.length], lat: 39 + Math.random() * 0.1, lng: 117 + Math.random() * 0.1, accuracy: 8, at }));
      const b0 = performance.now();
      await storePositions(sql, batch);
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
