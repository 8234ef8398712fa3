// Rate limits that hold across instances: named limits declared in one table, counted in PostgreSQL by
// rate-limiter-flexible, refused as AppError('rate_limited') carrying the seconds until a retry can succeed.
import type { Logger } from 'pino';
import { Counter, type Registry } from 'prom-client';
import { RateLimiterMemory, RateLimiterPostgres, RateLimiterRes, RLWrapperTimeouts, type RateLimiterAbstract } from 'rate-limiter-flexible';
import { AppError } from '../../shared/errors.ts';
import type { Config } from '../config.ts';
import type { Sql } from '../db/connect.ts';

export const RATE_LIMIT_TABLE = 'rate_limits';
/** A store call slower than this counts as a store failure (a hung database must not hang sign-in). */
const STORE_TIMEOUT_MS = 1500;

export interface LimitSpec {
  /** How many are allowed per window; the next one is refused. */
  points: number;
  windowS: number;
  /** Once over, refused for this long (counted from the first refusal). */
  blockS: number;
  /**
   * When the database cannot be reached: `open` goes on counting in this instance's memory until it is back (a
   * limit per instance instead of none); `closed` refuses everything with 503 (sign-in cannot work without the
   * database anyway, and a guess must never go uncounted).
   */
  whenStoreFails: 'open' | 'closed';
  /** The message a refused client sees, Chinese first. */
  message: (retryAfterS: number) => string;
}

const minutes = (s: number) => Math.max(1, Math.ceil(s / 60));
const seconds = (s: number) => (s < 120 ? `${s} 秒` : `${minutes(s)} 分钟`);
const secondsEn = (s: number) => (s < 120 ? `${s} s` : `${minutes(s)} min`);
/** The public doors' refusal: what was too often, and when to try again, in plain words. */
const publicMessage = (zh: string, en: string) => (s: number) => `${zh}，请 ${seconds(s)}后再试 · ${en}, try again in ${secondsEn(s)}`;
const signInMessage = (s: number) => `登录尝试过多，请 ${minutes(s)} 分钟后再试 · too many sign-in attempts, try again in ${minutes(s)} min`;

/** Every limit of the product, by name: the one place to read what is limited, how much, and from which setting. */
export function limitTable(c: Config) {
  return {
    /**
     * Failed sign-ins at one account from one client address (a success clears it): someone guessing one password.
     * Keyed by address too, so that guessing at `duty` from somewhere does not lock duty staff out in the office.
     */
    login_account: {
      points: c.loginAttemptsPerAccount, windowS: c.loginWindowMin * 60, blockS: c.loginBlockMin * 60,
      whenStoreFails: 'closed', message: signInMessage,
    },
    /** Failed sign-ins at one account from all addresses (a success clears it): guessing one password from many. */
    login_account_total: {
      points: c.loginAttemptsPerAccountTotal, windowS: c.loginWindowMin * 60, blockS: c.loginBlockMin * 60,
      whenStoreFails: 'closed', message: signInMessage,
    },
    /** Failed sign-ins per client address (a success gives its one back): one client guessing many accounts. */
    login_address: {
      points: c.loginAttemptsPerAddress, windowS: c.loginWindowMin * 60, blockS: c.loginBlockMin * 60,
      whenStoreFails: 'closed', message: signInMessage,
    },
    /**
     * Live handshakes per account or wall link, and per client address, across instances: each costs a snapshot
     * read, so a client reconnecting in a loop is slowed down however many instances it spreads over. The caps on
     * open connections (MAX_SOCKETS_PER_*) are per instance. Open when the database is away: live data needs it anyway.
     */
    live_connect: {
      points: c.liveConnectsPerMinute, windowS: 60, blockS: 60, whenStoreFails: 'open',
      message: (s: number) => `rate_limited: 连接过于频繁，请 ${s} 秒后再试 · too many live connections, try again in ${s} s`,
    },
    live_connect_address: {
      points: c.liveConnectsPerAddressPerMinute, windowS: 60, blockS: 60, whenStoreFails: 'open',
      message: (s: number) => `rate_limited: 连接过于频繁，请 ${s} 秒后再试 · too many live connections from this address, try again in ${s} s`,
    },
    /**
     * The public doors. Open when the database is away (each instance then counts in its own memory): a resident's
     * report must not fail because a counter could not be written, and the report itself needs the database anyway.
     */
    report_address: {
      points: c.reportsPerAddressPerHour, windowS: 3600, blockS: 3600, whenStoreFails: 'open',
      message: publicMessage('从这里提交的报告太多了', 'too many reports from here'),
    },
    report_phone: {
      points: c.reportsPerPhonePerDay, windowS: 86400, blockS: 3600, whenStoreFails: 'open',
      message: publicMessage('这个手机号今天提交的报告太多了', 'too many reports with this phone number today'),
    },
    public_write_address: {
      points: c.publicWritesPerAddressPerHour, windowS: 3600, blockS: 900, whenStoreFails: 'open',
      message: publicMessage('操作太频繁', 'too many photos or ratings from here'),
    },
    public_read_address: {
      points: c.publicReadsPerAddressPerMinute, windowS: 60, blockS: 60, whenStoreFails: 'open',
      message: publicMessage('访问太频繁', 'too many requests from here'),
    },
    open311_key: {
      points: c.open311PostsPerKeyPerMinute, windowS: 60, blockS: 60, whenStoreFails: 'open',
      message: publicMessage('该接口密钥提交太频繁', 'too many requests with this api_key'),
    },
    open311_address: {
      points: c.open311PostsPerAddressPerMinute, windowS: 60, blockS: 60, whenStoreFails: 'open',
      message: publicMessage('提交太频繁', 'too many requests from this address'),
    },
  } satisfies Record<string, LimitSpec>;
}
export type LimitName = keyof ReturnType<typeof limitTable>;

export interface Limits<N extends string = LimitName> {
  /** Counts one for `key` under `name`; throws rate_limited (with retryAfterS) when that is over the limit. */
  consume(name: N, key: string): Promise<void>;
  /** Gives one back (a sign-in that turned out right). */
  refund(name: N, key: string): Promise<void>;
  /** Forgets `key` under `name` (a successful sign-in clears its account's failures). */
  reset(name: N, key: string): Promise<void>;
}

export interface LimitsDeps { sql: Sql; log: Logger; registry: Registry }

/**
 * rate-limiter-flexible's PostgreSQL store speaks node-postgres (`query({ text, values }) → { rows, rowCount }`);
 * this gives it the app's one postgres.js pool instead of a second pool per instance.
 */
function storeClient(sql: Sql) {
  return {
    async query(q: { text: string; values?: unknown[] }) {
      const rows = await sql.unsafe(q.text, (q.values ?? []) as never[], { prepare: true });
      return { rows, rowCount: rows.count };
    },
  };
}

interface Limiter { spec: LimitSpec; store: RateLimiterAbstract; memory: RateLimiterMemory }

/** The limits of `table` (the product's is limitTable(config); tests pass their own). */
export function createLimits<N extends string>({ sql, log, registry }: LimitsDeps, table: Record<N, LimitSpec>): Limits<N> {
  const refused = new Counter({ name: 'gridops_rate_limited_total', help: 'Requests refused by a rate limit', labelNames: ['limit'], registers: [registry] });
  const storeErrors = new Counter({
    name: 'gridops_rate_limit_store_errors_total', help: 'Rate-limit counts that could not reach PostgreSQL (then failed open or closed)',
    labelNames: ['limit'], registers: [registry],
  });
  const client = storeClient(sql);
  const limiters = new Map<N, Limiter>();
  for (const [name, spec] of Object.entries(table) as Array<[N, LimitSpec]>) {
    const opts = { keyPrefix: name, points: spec.points, duration: spec.windowS, blockDuration: spec.blockS };
    const pg = new RateLimiterPostgres({
      ...opts, storeClient: client, storeType: 'client', tableName: RATE_LIMIT_TABLE,
      // The table comes from migration 040; expired rows are deleted by the jobs (purgeExpiredLimits), once for all
      // instances, instead of a timer per limiter per instance. No in-memory blocks: a reset must hold everywhere.
      tableCreated: true, clearExpiredByTimeout: false, inMemoryBlockOnConsumed: 0,
    });
    limiters.set(name, { spec, store: new RLWrapperTimeouts({ limiter: pg, timeoutMs: STORE_TIMEOUT_MS }), memory: new RateLimiterMemory(opts) });
  }

  const rateLimited = (name: N, spec: LimitSpec, res: RateLimiterRes) => {
    refused.inc({ limit: name });
    const retryAfterS = Math.max(1, Math.ceil(res.msBeforeNext / 1000));
    return new AppError('rate_limited', spec.message(retryAfterS), { retryAfterS });
  };

  /** Runs `op` on the shared store; on a store failure, on this instance's memory (open) or not at all (closed). */
  async function run(name: N, op: (l: RateLimiterAbstract) => Promise<unknown>, refuseWhenClosed: boolean) {
    const l = limiters.get(name)!;
    if (l.spec.points <= 0) return; // a limit set to 0 is switched off
    try {
      await op(l.store);
    } catch (err) {
      if (err instanceof RateLimiterRes) throw rateLimited(name, l.spec, err);
      storeErrors.inc({ limit: name });
      log.warn({ err, limit: name, failing: l.spec.whenStoreFails }, 'rate limit store unreachable');
      if (l.spec.whenStoreFails === 'closed') {
        if (refuseWhenClosed) throw new AppError('unavailable', '服务暂时不可用，请稍后再试 · briefly unavailable, try again shortly', { retryAfterS: 2 });
        return;
      }
      try { await op(l.memory); } catch (e) {
        if (e instanceof RateLimiterRes) throw rateLimited(name, l.spec, e);
        throw e;
      }
    }
  }

  return {
    consume: (name, key) => run(name, (l) => l.consume(key), true),
    refund: (name, key) => run(name, (l) => l.reward(key), false),
    reset: (name, key) => run(name, (l) => l.delete(key), false),
  };
}

/** Deletes counters whose window (or block) ended over an hour ago; run by the jobs on one instance. */
export async function purgeExpiredLimits(sql: Sql): Promise<void> {
  await sql`DELETE FROM rate_limits WHERE expire < ${Date.now() - 3_600_000}`;
}
