// npm run import-grids -- file.geojson [--street-office ID]: loads real grid boundaries into the database.
import { readFile } from 'node:fs/promises';
import { loadConfig } from '../config.ts';
import { openDatabase } from '../db/open.ts';
import { migrate } from '../db/migrate.ts';
import { importGrids } from './import.ts';

async function main() {
  const args = process.argv.slice(2);
  const file = args.find((a) => !a.startsWith('--'));
  const soIndex = args.indexOf('--street-office');
  if (!file) throw new Error('usage: npm run import-grids -- file.geojson [--street-office ID]');
  let json: unknown;
  try { json = JSON.parse(await readFile(file, 'utf8')); } catch (e) { throw new Error(`cannot read ${file}: ${(e as Error).message}`); }
  const config = loadConfig();
  const db = await openDatabase(config, () => {}, { shareRunning: true });
  try {
    await migrate(db.sql);
    const soId = soIndex >= 0 ? args[soIndex + 1] : (await db.sql<{ id: string }[]>`SELECT id FROM street_offices ORDER BY id LIMIT 1`)[0]?.id;
    if (!soId) throw new Error('no street office in the database: start the server once (it seeds one) or pass --street-office ID');
    let last = 0;
    const result = await importGrids(db.sql, soId, json, (done, total) => {
      const pct = Math.floor((done / total) * 100);
      if (pct !== last || done === total) { last = pct; process.stdout.write(`\rchecking polygons ${done}/${total} (${pct}%)`); }
    });
    process.stdout.write('\n');
    console.log(`imported ${result.grids} grids in ${result.communities} communities (${result.created} new, ${result.updated} updated)`);
  } finally {
    await db.close();
  }
}

main().catch((e) => { process.stdout.write('\n'); console.error(`import-grids: ${e.message}`); process.exit(1); });
