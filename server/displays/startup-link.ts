// The wall-screen link printed at start: its token is kept in DATA_DIR so the link survives restarts.
import { readFile, writeFile, mkdir } from 'node:fs/promises';
import path from 'node:path';
import type { Sql } from '../db/connect.ts';
import { createDisplayToken, principalFromDisplayToken } from '../auth/sessions.ts';

export async function wallToken(sql: Sql, dataDir: string, streetOfficeId: string): Promise<string> {
  const file = path.join(dataDir, `display-token-${streetOfficeId}`);
  const saved = await readFile(file, 'utf8').then((s) => s.trim(), () => null);
  if (saved && (await principalFromDisplayToken(sql, saved))) return saved;
  const token = await createDisplayToken(sql, streetOfficeId, 'wall screen (start-up link)');
  await mkdir(dataDir, { recursive: true });
  await writeFile(file, token + '\n', { mode: 0o600 });
  return token;
}
