// Checking a sign-in behind its limits: a guess over the limit is refused before argon2 runs, so a flood of guesses
// costs a counter update each instead of a password hash on libuv's pool.
import { Counter } from 'prom-client';
import type { Deps } from '../http/types.ts';
import { AppError } from '../../shared/errors.ts';
import { addressKey } from '../http/client-address.ts';
import { dummyHash, verifyPassword } from './passwords.ts';

export interface Credentials { username: string; password: string }

/**
 * Returns `check(credentials, clientAddress) → user id`. Every attempt is counted up front, atomically (so parallel
 * guesses cannot slip past a limit together), against its client address, its account from that address, and its
 * account from everywhere; a right password gives the address its count back and clears the account's. Wrong is
 * 401, over a limit 429 with Retry-After.
 */
export function createSignIn({ sql, limits, metrics }: Pick<Deps, 'sql' | 'limits' | 'metrics'>) {
  const checks = new Counter({
    name: 'gridops_password_checks_total', help: 'Passwords verified with argon2 at sign-in, by result', labelNames: ['result'],
    registers: [metrics.registry],
  });
  return async function signIn(body: Credentials, clientAddress: string): Promise<string> {
    const address = addressKey(clientAddress);
    // One after the other: a client refused by its address does not also count against the account it tried.
    await limits.consume('login_address', address);
    await limits.consume('login_account', `${body.username}@${address}`);
    await limits.consume('login_account_total', body.username);
    const [user] = await sql<{ id: string; password_hash: string; disabled: boolean }[]>`
      SELECT id, password_hash, disabled FROM users WHERE username = ${body.username}`;
    const ok = await verifyPassword(user?.password_hash ?? (await dummyHash()), body.password);
    checks.inc({ result: user && ok ? 'ok' : 'wrong' });
    if (!user || !ok) throw new AppError('unauthorized', 'wrong username or password');
    await Promise.all([
      limits.reset('login_account', `${body.username}@${address}`), limits.reset('login_account_total', body.username), limits.refund('login_address', address),
    ]);
    if (user.disabled) throw new AppError('forbidden', 'this account is disabled');
    return user.id;
  };
}
