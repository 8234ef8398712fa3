// npm run open311-key -- create <name> | revoke <name> | list  [--street-office ID]
// Issues, revokes and lists Open311 API keys in the database `npm start` uses (DATABASE_URL, or the embedded one of
// DATA_DIR, shared with a running server). A new key is printed once, on standard output, and never again.
import { loadConfig } from '../config.ts';
import { openDatabase } from '../db/open.ts';
import { migrate } from '../db/migrate.ts';
import { AppError } from '../../shared/errors.ts';
import { createKey, listKeys, revokeKey } from './keys.ts';

const USAGE = 'usage: npm run open311-key -- create <name> | revoke <name> | list  [--street-office ID]';

async function main() {
  const args = process.argv.slice(2);
  const so = args.indexOf('--street-office');
  const officeArg = so >= 0 ? args[so + 1] : null;
  const rest = so < 0 ? args : args.filter((_, i) => i !== so && i !== so + 1);
  const [command, ...nameParts] = rest;
  const name = nameParts.join(' ').trim();
  if (!['create', 'revoke', 'list'].includes(command ?? '') || (command !== 'list' && !name)) throw new Error(USAGE);
  const config = loadConfig();
  const db = await openDatabase(config, (m) => process.stderr.write(`${m}\n`), { shareRunning: true });
  try {
    await migrate(db.sql);
    const [office] = officeArg
      ? await db.sql<{ id: string; name: string; jurisdiction_id: string }[]>`SELECT id, name, jurisdiction_id FROM street_offices WHERE id = ${/^\d+$/.test(officeArg) ? officeArg : '0'}`
      : await db.sql<{ id: string; name: string; jurisdiction_id: string }[]>`SELECT id, name, jurisdiction_id FROM street_offices ORDER BY id LIMIT 1`;
    if (!office) throw new Error(officeArg ? `no street office ${officeArg}` : 'no street office in the database: start the server once (it seeds one) or import grids first');
    if (command === 'create') {
      const made = await createKey(db.sql, office.id, name, null);
      process.stderr.write(`API key "${made.view.name}" for ${office.name} (jurisdiction_id ${office.jurisdiction_id}); shown only this once:\n`);
      process.stdout.write(`${made.key}\n`);
    } else if (command === 'revoke') {
      const v = await revokeKey(db.sql, office.id, { name });
      process.stdout.write(`revoked API key "${v.name}" (made ${v.createdAt})\n`);
    } else {
      for (const k of await listKeys(db.sql, office.id)) {
        process.stdout.write(`${k.revokedAt ? 'revoked' : 'live   '}  ${k.name}  made ${k.createdAt}${k.createdBy ? ` by ${k.createdBy}` : ''}  last used ${k.lastUsedAt ?? 'never'}\n`);
      }
    }
  } finally {
    await db.close();
  }
}

main().catch((e) => {
  const message = e instanceof AppError || e instanceof Error ? e.message : String(e);
  process.stderr.write(`open311-key: ${message}\n`);
  process.exit(1);
});
