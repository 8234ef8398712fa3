// The one postgres.js pool of a process, with TCP_NODELAY set (postgres.js leaves Nagle on, which stalls batches).
import net from 'node:net';
import postgres from 'postgres';

export type Sql = postgres.Sql<Record<string, never>>;

export function connect(url: string, opts: { max?: number; applicationName?: string } = {}): Sql {
  const u = new URL(url);
  const isUnixSocket = !!u.searchParams.get('host')?.startsWith('/');
  return postgres(url, {
    ...({ socket: isUnixSocket ? undefined : nodelaySocket } as object),
    max: opts.max ?? 10,
    onnotice: () => {},
    connection: { application_name: opts.applicationName ?? 'grid-ops' },
    connect_timeout: 10,
  }) as Sql;
}

/**
 * postgres.js's `socket` option (not in its types): we open the TCP socket ourselves so that Nagle's algorithm is off.
 * It is returned while still connecting, on purpose: postgres.js then attaches its own error handling, so a refused
 * connection (database down) fails the waiting queries instead of leaving them pending forever.
 */
function nodelaySocket(o: { host: string[]; port: number[] }): net.Socket {
  return net.connect({ host: o.host[0], port: o.port[0], noDelay: true });
}
