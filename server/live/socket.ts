// Live sockets: authenticate in the handshake, cap connections, join the rooms the database allows, send the
// snapshot, end the socket when its credential ends, and hand every incoming message to the one boundary.
import type { IncomingMessage } from 'node:http';
import type { Deps, Io } from '../http/types.ts';
import { AppError } from '../../shared/errors.ts';
import type { LiveScope } from '../../shared/events.ts';
import { encodeSnapshot, type PackedSnapshot } from '../../shared/snapshot-codec.ts';
import { scopeOf, toMe, type Principal } from '../auth/principal.ts';
import { cookieValue, principalFromDisplayToken, principalFromSession, SESSION_COOKIE } from '../auth/sessions.ts';
import { toAppError } from '../http/errors.ts';
import { addressKey, clientAddress } from '../http/client-address.ts';
import { setDuty } from '../responders/duty.ts';
import type { PositionIngest } from '../locations/ingest.ts';
import { socketBoundary, type EventHandlers, type LiveSocket } from './boundary.ts';
import { addressRoom, displayRoom, liveRoom, positionRooms, responderRoom, sessionRoom, userRoom } from './rooms.ts';
import { buildSnapshot } from './snapshot.ts';

/** A scope's snapshot reads start at least this far apart, however many sockets ask (reconnect storms, floods). */
const SNAPSHOT_MIN_INTERVAL_MS = 1000;
/** setTimeout's limit; a session that lives longer is re-armed. */
const MAX_TIMER_MS = 2 ** 31 - 1;

export async function principalFromHandshake(deps: Deps, headers: IncomingMessage['headers'], auth: Record<string, unknown>): Promise<Principal | null> {
  const session = cookieValue(headers.cookie, SESSION_COOKIE);
  if (session) {
    const p = await principalFromSession(deps.sql, session);
    if (p) return p;
  }
  const token = typeof auth.displayToken === 'string' && auth.displayToken.length <= 200 ? auth.displayToken : null;
  return token ? principalFromDisplayToken(deps.sql, token) : null;
}

/** The rooms a principal's sockets are counted in, with the most each may hold on this instance. */
function capRooms(p: Principal, address: string, config: Deps['config']): Array<[string, number, string]> {
  const caps: Array<[string, number, string]> = [[addressRoom(address), config.maxSocketsPerAddress, 'from this address']];
  if (p.kind === 'user') caps.push([userRoom(p.userId), config.maxSocketsPerUser, 'for this account']);
  else caps.push([displayRoom(p.displayTokenId), config.maxSocketsPerDisplay, 'for this display link']);
  return caps.filter(([, max]) => max > 0);
}

export function attachLive(io: Io, deps: Deps, ingest: PositionIngest): void {
  const { sql, config, log } = deps;
  const principals = new WeakMap<LiveSocket, Principal>();
  // One snapshot read at a time per scope, and reads of a scope at least SNAPSHOT_MIN_INTERVAL_MS apart; sockets that
  // ask meanwhile share the next read, which starts after they all joined their rooms and so covers every delta they
  // missed. 200 wall screens reconnecting after a deploy cost a couple of reads instead of 200, and a client that
  // floods resyncs cannot make the server read more than once a second. Packed once per read, not once per socket.
  const reads = new Map<string, { running: Promise<unknown> | null; next: Promise<PackedSnapshot> | null; startedAt: number }>();
  const sharedSnapshot = (scope: LiveScope): Promise<PackedSnapshot> => {
    const key = liveRoom(scope);
    const e = reads.get(key) ?? { running: null, next: null, startedAt: 0 };
    reads.set(key, e);
    if (e.next) return e.next;
    e.next = (async () => {
      await e.running?.catch(() => {});
      const wait = e.startedAt + SNAPSHOT_MIN_INTERVAL_MS - Date.now();
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
      e.next = null;
      e.startedAt = Date.now();
      const p = buildSnapshot(sql, config, scope, null).then(encodeSnapshot);
      e.running = p;
      try { return await p; } finally {
        if (e.running === p) e.running = null;
        // Forget the scope once its cool-down has passed with nobody waiting.
        setTimeout(() => { if (!e.running && !e.next && reads.get(key) === e) reads.delete(key); }, SNAPSHOT_MIN_INTERVAL_MS).unref();
      }
    })();
    return e.next;
  };

  // The sockets waiting for the same read, by who they are: each group gets the snapshot as one broadcast, which
  // Socket.IO serialises once — 200 wall screens of one display link, one JSON.stringify of ~1 MB instead of 200
  // (~12 ms each on the event loop every position waits behind).
  const waiting = new Map<Promise<PackedSnapshot>, Map<string, { me: ReturnType<typeof toMe>; ids: string[] }>>();
  const sendSnapshot = (socket: LiveSocket, p: Principal, scope: LiveScope) => {
    const read = sharedSnapshot(scope);
    let groups = waiting.get(read);
    if (!groups) {
      const mine = groups = new Map();
      waiting.set(read, mine);
      read.then((snap) => {
        waiting.delete(read);
        for (const g of mine.values()) io.local.to(g.ids).emit('live:snapshot', { ...snap, me: g.me });
      }, (err) => {
        waiting.delete(read);
        log.warn({ err }, 'snapshot failed; disconnecting so the clients retry');
        for (const g of mine.values()) for (const id of g.ids) io.sockets.sockets.get(id)?.disconnect(true);
      });
    }
    const me = toMe(p);
    const key = JSON.stringify(me);
    const g = groups.get(key) ?? groups.set(key, { me, ids: [] }).get(key)!;
    g.ids.push(socket.id);
  };

  const resyncing = new WeakSet<LiveSocket>();
  const handlers: EventHandlers = {
    'live:resync': {
      async run({ socket, principal }) {
        if (resyncing.has(socket)) throw new AppError('conflict', 'a resync is already under way on this connection');
        resyncing.add(socket);
        try { return { ...(await sharedSnapshot(socket.data.scope)), me: toMe(principal) }; } finally { resyncing.delete(socket); }
      },
    },
    'time:ping': { run: () => ({ serverTime: new Date().toISOString() }) },
    'duty:set': { run: ({ principal }, body) => setDuty(sql, responderOf(principal), body.onDuty) },
    'location:report': { defer: ({ principal }, report, reply) => ingest.report(responderOf(principal), report, reply) },
  };

  io.use(async (socket, next) => {
    try {
      const p = await principalFromHandshake(deps, socket.handshake.headers, socket.handshake.auth ?? {});
      if (!p) return next(new Error('unauthorized: sign in or use a display link'));
      // The client behind TRUSTED_PROXIES (not the proxy), an IPv6 client by its /64: the same key the sign-in limit uses.
      const address = addressKey(clientAddress(socket.request, config));
      const rooms = io.of('/').adapter.rooms;
      for (const [room, max, what] of capRooms(p, address, config)) {
        if ((rooms.get(room)?.size ?? 0) >= max) return next(new Error(`rate_limited: too many live connections ${what} (at most ${max})`));
      }
      // Handshakes per minute, counted across instances: each one costs a snapshot read.
      await deps.limits.consume('live_connect_address', address);
      await deps.limits.consume('live_connect', p.kind === 'user' ? `user:${p.userId}` : `display:${p.displayTokenId}`);
      principals.set(socket, p);
      socket.data = {
        userId: p.kind === 'user' ? p.userId : null, sessionId: p.kind === 'user' ? p.sessionId : null,
        displayTokenId: p.kind === 'display' ? p.displayTokenId : null, scope: scopeOf(p), role: p.kind === 'user' ? p.role : 'display',
        address,
      };
      next();
    } catch (err) {
      const e = toAppError(err, log);
      next(new Error(e.code === 'rate_limited' ? e.message : e.code === 'unavailable' ? 'unavailable: database unreachable' : 'internal error'));
    }
  });

  io.on('connection', (socket) => {
    const p = principals.get(socket)!;
    const scope = socket.data.scope;
    socket.join([liveRoom(scope), ...positionRooms(scope), ...capRooms(p, socket.data.address, config).map(([room]) => room)]);
    if (p.kind === 'user') socket.join([sessionRoom(p.sessionId), userRoom(p.userId)]);
    else socket.join(displayRoom(p.displayTokenId));
    if (scope.kind === 'responder') socket.join(responderRoom(scope.responderId));
    endWithCredential(socket, p);

    sendSnapshot(socket, p, scope);
    socket.use(socketBoundary(socket, p, handlers, log));
  });
}

/** A session's sockets end when the session expires (sign-out, disabling and revoking end them at once elsewhere). */
function endWithCredential(socket: LiveSocket, p: Principal) {
  if (p.kind !== 'user' || !p.sessionExpiresAt) return;
  let timer: NodeJS.Timeout;
  const arm = () => {
    const left = Date.parse(p.sessionExpiresAt!) - Date.now();
    if (left > MAX_TIMER_MS) { timer = setTimeout(arm, MAX_TIMER_MS); return; }
    timer = setTimeout(() => {
      socket.emit('session:ended', { reason: 'session expired' });
      socket.disconnect(true);
    }, Math.max(0, left));
  };
  arm();
  socket.on('disconnect', () => clearTimeout(timer));
}

function responderOf(p: Principal): string {
  // The contract lets only responders send these events; a responder principal always carries its responder id.
  if (p.kind !== 'user' || !p.responderId) throw new AppError('forbidden', 'only responders share their location and duty');
  return p.responderId;
}
