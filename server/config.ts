// Environment parsed and validated once; only the entry point calls loadConfig().
import path from 'node:path';
import proxyaddr from 'proxy-addr';
import { z } from 'zod';
import { TILE_CRS } from '../shared/geo.ts';

const bool = z.enum(['true', 'false', '1', '0', 'on', 'off', 'yes', 'no']).transform((v) => ['true', '1', 'on', 'yes'].includes(v));
/** An IANA zone name both Node (ICU) and PostgreSQL know; Intl throws RangeError for an unknown one. */
function validZone(zone: string) {
  try { new Intl.DateTimeFormat('en', { timeZone: zone }); return /^[A-Za-z_+\-/0-9]+$/.test(zone); } catch { return false; }
}
const list = z.string().transform((s) => s.split(',').map((x) => x.trim()).filter(Boolean));
/** Addresses, CIDR ranges or proxy-addr's names (loopback, linklocal, uniquelocal); each checked by proxy-addr itself. */
const proxyList = list.superRefine((items, ctx) => {
  for (const item of items) {
    try { proxyaddr.compile([item]); } catch {
      ctx.addIssue({ code: 'custom', message: `"${item}" is not an IP address, a CIDR range (10.0.0.0/8), loopback, linklocal or uniquelocal` });
    }
  }
});
const minutes = (max: number) => z.coerce.number().int().min(1).max(max);

const schema = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  HOST: z.string().default('0.0.0.0'),
  DATABASE_URL: z.string().regex(/^postgres(ql)?:\/\//, 'must start with postgres:// or postgresql://').optional(),
  DATA_DIR: z.string().default('.data'),
  EMBEDDED_PG_PORT: z.coerce.number().int().min(1024).max(65535).optional(),
  // Both default to on only with the embedded database: a real database gets no demo accounts unless asked.
  SIMULATE: bool.optional(),
  SEED_DEMO: bool.optional(),
  NODE_ENV: z.string().optional(),
  ALLOW_DEMO_ACCOUNTS: bool.default(false),
  PUBLIC_URL: z.string().url().optional(),
  ALLOWED_ORIGINS: list.default([]),
  TILE_URL: z.string().regex(/\{z\}.*\{x\}.*\{y\}|\{z\}.*\{y\}.*\{x\}/, 'must contain {z}, {x} and {y}').optional(),
  TILE_CRS: z.enum(TILE_CRS).default('wgs84'),
  TILE_ATTRIBUTION: z.string().optional(),
  OFFER_TIMEOUT_S: z.coerce.number().int().min(10).max(3600).default(120),
  LOCATION_RETENTION_DAYS: z.coerce.number().int().min(1).max(365).default(7),
  LOCATION_PARTITION_TZ: z.string().refine(validZone, 'must be an IANA time zone such as Asia/Shanghai or UTC').default('Asia/Shanghai'),
  SESSION_TTL_HOURS: z.coerce.number().int().min(1).max(24 * 90).default(12),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  DB_POOL_SIZE: z.coerce.number().int().min(2).max(100).default(10),
  LIVE_POOL_SIZE: z.coerce.number().int().min(1).max(20).default(2),
  METRICS_TOKEN: z.string().min(16, 'must be at least 16 characters').optional(),
  MAX_SOCKETS_PER_USER: z.coerce.number().int().min(0).max(100_000).default(20),
  MAX_SOCKETS_PER_DISPLAY: z.coerce.number().int().min(0).max(100_000).default(20),
  MAX_SOCKETS_PER_ADDRESS: z.coerce.number().int().min(0).max(1_000_000).default(1000),
  LIVE_CONNECTS_PER_MINUTE: z.coerce.number().int().min(0).max(1_000_000).default(120),
  LIVE_CONNECTS_PER_ADDRESS_PER_MINUTE: z.coerce.number().int().min(0).max(10_000_000).default(1200),
  TRUSTED_PROXIES: proxyList.default([]),
  LOGIN_ATTEMPTS_PER_ACCOUNT: z.coerce.number().int().min(1).max(1000).default(10),
  LOGIN_ATTEMPTS_PER_ACCOUNT_TOTAL: z.coerce.number().int().min(1).max(100_000).default(100),
  LOGIN_ATTEMPTS_PER_ADDRESS: z.coerce.number().int().min(1).max(100_000).default(50),
  LOGIN_WINDOW_MIN: minutes(24 * 60).default(15),
  LOGIN_BLOCK_MIN: minutes(24 * 60).default(15),
  PHOTO_MAX_MB: z.coerce.number().min(0.1).max(50).default(8),
  PHOTO_MAX_MEGAPIXELS: z.coerce.number().min(0.1).max(268).default(24),
  PHOTO_MAX_PER_TICKET: z.coerce.number().int().min(1).max(1000).default(12),
  REPORTS_PER_ADDRESS_PER_HOUR: z.coerce.number().int().min(0).max(1_000_000).default(60),
  REPORTS_PER_PHONE_PER_DAY: z.coerce.number().int().min(0).max(100_000).default(10),
  PUBLIC_WRITES_PER_ADDRESS_PER_HOUR: z.coerce.number().int().min(0).max(1_000_000).default(180),
  PUBLIC_READS_PER_ADDRESS_PER_MINUTE: z.coerce.number().int().min(0).max(10_000_000).default(300),
  OPEN311_POSTS_PER_KEY_PER_MINUTE: z.coerce.number().int().min(0).max(1_000_000).default(120),
  OPEN311_POSTS_PER_ADDRESS_PER_MINUTE: z.coerce.number().int().min(0).max(1_000_000).default(300),
});

export interface Config {
  port: number;
  host: string;
  databaseUrl: string | null;
  dataDir: string;
  /** null = the default port, or a free one when that is taken. */
  embeddedPgPort: number | null;
  simulate: boolean;
  seedDemo: boolean;
  /** NODE_ENV=production: refuse to serve a database that still has the demo accounts with the demo password. */
  production: boolean;
  allowDemoAccounts: boolean;
  publicUrl: string | null;
  allowedOrigins: string[];
  tileUrl: string | null;
  tileCrs: z.infer<typeof schema>['TILE_CRS'];
  tileAttribution: string | null;
  offerTimeoutS: number;
  locationRetentionDays: number;
  /** Position history is partitioned by the local day of this zone. */
  locationPartitionTz: string;
  sessionTtlHours: number;
  logLevel: z.infer<typeof schema>['LOG_LEVEL'];
  dbPoolSize: number;
  livePoolSize: number;
  /** Bearer token for GET /metrics (Prometheus); without it the endpoint is off. */
  metricsToken: string | null;
  /** Live connections one account / one display link / one client address may hold on an instance (0 = no cap). */
  maxSocketsPerUser: number;
  maxSocketsPerDisplay: number;
  maxSocketsPerAddress: number;
  /** Live handshakes per account or wall link, and per client address, per minute, across instances (0 = no limit). */
  liveConnectsPerMinute: number;
  liveConnectsPerAddressPerMinute: number;
  /** Peers whose X-Forwarded-For / X-Forwarded-Proto count (proxy-addr syntax); empty = none, the socket's peer is the client. */
  trustedProxies: string[];
  /** Failed sign-ins per account and per client address within `loginWindowMin`, then refused for `loginBlockMin`. */
  /** Failed sign-ins at one account from one client address. */
  loginAttemptsPerAccount: number;
  /** Failed sign-ins at one account from all addresses together. */
  loginAttemptsPerAccountTotal: number;
  loginAttemptsPerAddress: number;
  loginWindowMin: number;
  loginBlockMin: number;
  /** Uploaded photos: largest body, largest decoded image, most photos on one ticket. */
  photoMaxBytes: number;
  photoMaxPixels: number;
  photoMaxPerTicket: number;
  /**
   * The public doors (residents' pages, Open311), per client address (phones behind a carrier's NAT share one, hence
   * the generous defaults), per phone number given on a report, and per Open311 key (0 = no limit).
   */
  reportsPerAddressPerHour: number;
  reportsPerPhonePerDay: number;
  /** Residents' photos and ratings. */
  publicWritesPerAddressPerHour: number;
  /** Public reads: the report page's map, where a place is, tracking views, Open311 reads. */
  publicReadsPerAddressPerMinute: number;
  open311PostsPerKeyPerMinute: number;
  open311PostsPerAddressPerMinute: number;
}

/** Parses the environment; a bad value throws an Error whose message names the variable and the reason. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const clean = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== ''));
  const parsed = schema.safeParse(clean);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.')}=${JSON.stringify(env[String(i.path[0])] ?? '')}: ${i.message}`);
    throw new Error(`invalid configuration:\n${lines.join('\n')}`);
  }
  const e = parsed.data;
  return {
    port: e.PORT, host: e.HOST, databaseUrl: e.DATABASE_URL ?? null, dataDir: path.resolve(e.DATA_DIR),
    embeddedPgPort: e.EMBEDDED_PG_PORT ?? null, simulate: e.SIMULATE ?? !e.DATABASE_URL, seedDemo: e.SEED_DEMO ?? !e.DATABASE_URL,
    production: e.NODE_ENV === 'production', allowDemoAccounts: e.ALLOW_DEMO_ACCOUNTS, publicUrl: e.PUBLIC_URL ?? null,
    allowedOrigins: e.ALLOWED_ORIGINS, tileUrl: e.TILE_URL ?? null, tileCrs: e.TILE_CRS, tileAttribution: e.TILE_ATTRIBUTION ?? null,
    offerTimeoutS: e.OFFER_TIMEOUT_S, locationRetentionDays: e.LOCATION_RETENTION_DAYS, locationPartitionTz: e.LOCATION_PARTITION_TZ,
    sessionTtlHours: e.SESSION_TTL_HOURS,
    logLevel: e.LOG_LEVEL, dbPoolSize: e.DB_POOL_SIZE, livePoolSize: e.LIVE_POOL_SIZE, metricsToken: e.METRICS_TOKEN ?? null,
    maxSocketsPerUser: e.MAX_SOCKETS_PER_USER, maxSocketsPerDisplay: e.MAX_SOCKETS_PER_DISPLAY, maxSocketsPerAddress: e.MAX_SOCKETS_PER_ADDRESS,
    liveConnectsPerMinute: e.LIVE_CONNECTS_PER_MINUTE, liveConnectsPerAddressPerMinute: e.LIVE_CONNECTS_PER_ADDRESS_PER_MINUTE,
    trustedProxies: e.TRUSTED_PROXIES, loginAttemptsPerAccount: e.LOGIN_ATTEMPTS_PER_ACCOUNT, loginAttemptsPerAccountTotal: e.LOGIN_ATTEMPTS_PER_ACCOUNT_TOTAL,
    loginAttemptsPerAddress: e.LOGIN_ATTEMPTS_PER_ADDRESS, loginWindowMin: e.LOGIN_WINDOW_MIN, loginBlockMin: e.LOGIN_BLOCK_MIN,
    photoMaxBytes: Math.round(e.PHOTO_MAX_MB * 1024 * 1024), photoMaxPixels: Math.round(e.PHOTO_MAX_MEGAPIXELS * 1_000_000),
    photoMaxPerTicket: e.PHOTO_MAX_PER_TICKET,
    reportsPerAddressPerHour: e.REPORTS_PER_ADDRESS_PER_HOUR, reportsPerPhonePerDay: e.REPORTS_PER_PHONE_PER_DAY,
    publicWritesPerAddressPerHour: e.PUBLIC_WRITES_PER_ADDRESS_PER_HOUR, publicReadsPerAddressPerMinute: e.PUBLIC_READS_PER_ADDRESS_PER_MINUTE,
    open311PostsPerKeyPerMinute: e.OPEN311_POSTS_PER_KEY_PER_MINUTE, open311PostsPerAddressPerMinute: e.OPEN311_POSTS_PER_ADDRESS_PER_MINUTE,
  };
}

/** Defaults for tests and tools that build a config without an environment. */
export function testConfig(overrides: Partial<Config> = {}): Config {
  return { ...loadConfig({ SIMULATE: 'false', SEED_DEMO: 'false', LOG_LEVEL: 'silent', PORT: '0' }), ...overrides };
}
