// Refuses to serve real users from a database that still has the demo accounts with the published demo password.
import type { Sql } from '../db/connect.ts';
import { verifyPassword } from '../auth/passwords.ts';
import { DEMO_PASSWORD } from './data.ts';

/** Demo accounts that still sign in with the demo password (the office-wide ones are checked; they hold the keys). */
export async function liveDemoAccounts(sql: Sql): Promise<string[]> {
  const rows = await sql<{ username: string; password_hash: string }[]>`
    SELECT username, password_hash FROM users WHERE username IN ('admin', 'duty', 'manager') AND NOT disabled ORDER BY username`;
  const live: string[] = [];
  for (const r of rows) if (await verifyPassword(r.password_hash, DEMO_PASSWORD)) live.push(r.username);
  return live;
}

/** In production mode, a database with live demo credentials stops the start unless ALLOW_DEMO_ACCOUNTS=true. */
export async function assertNoDemoCredentials(sql: Sql, config: { production: boolean; allowDemoAccounts: boolean }): Promise<void> {
  if (!config.production || config.allowDemoAccounts) return;
  const live = await liveDemoAccounts(sql);
  if (live.length) {
    throw new Error(`NODE_ENV=production, but the demo account(s) ${live.join(', ')} still sign in with the demo password: ` +
      'disable them or change their passwords, or set ALLOW_DEMO_ACCOUNTS=true to start anyway');
  }
}
