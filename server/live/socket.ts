// The socket boundary: authenticate in the handshake, join the rooms the database allows, send the snapshot,
// and answer requests through typed acknowledgements with errors translated once.
import type { IncomingMessage } from 'node:http';
import type { Socket } from 'socket.io';
import type { Deps, Io, ServerSideEvents } from '../http/types.ts';
import { AppError, type Ack } from '../../shared/errors.ts';
import type { ClientToServerEvents, LiveScope, ServerToClientEvents, SocketData } from '../../shared/events.ts';
import { encodeSnapshot, type PackedSnapshot } from '../../shared/snapshot-codec.ts';
import { dutyBody, positionReport } from '../../shared/schemas.ts';
import { liveScope, toMe, type Principal } from '../auth/principal.ts';
import { cookieValue, principalFromDisplayToken, principalFromSession, SESSION_COOKIE } from '../auth/sessions.ts';
import { toAppError } from '../http/errors.ts';
import { parse } from '../http/validate.ts';
import { setDuty } from '../responders/duty.ts';
import type { PositionIngest } from '../locations/ingest.ts';
import { liveRoom, positionRooms, responderRoom, sessionRoom, userRoom } from './rooms.ts';
import { buildSnapshot } from './snapshot.ts';

type LiveSocket = Socket<ClientToServerEvents, ServerToClientEvents, ServerSideEvents, SocketData>;

const KNOWN_EVENTS = new Set<string>(['live:resync', 'time:ping', 'location:report', 'duty:set']);
/** Token bucket per socket: a phone sends a point every few seconds; 20/s sustained with bursts of 60 is generous. */
const RATE_PER_S = 20;
const BURST = 60;
/** A socket that keeps flooding after being refused is cut off. */
const STRIKES_BEFORE_DISCONNECT = 200;

/** Browsers always send Origin; a cross-site page must not open a socket with the user's cookie. */
export function originAllowed(req: IncomingMessage, allowed: string[]): boolean {
  const origin = req.headers.origin;
  if (!origin) return true;
  if (allowed.includes(origin)) return true;
  try { return new URL(origin).host === req.headers.host; } catch { return false; }
}

export async function principalFromHandshake(deps: Deps, headers: IncomingMessage['headers'], auth: Record<string, unknown>): Promise<Principal | null> {
  const session = cookieValue(headers.cookie, SESSION_COOKIE);
  if (session) {
    const p = await principalFromSession(deps.sql, session);
    if (p) return p;
  }
  const token = typeof auth.displayToken === 'string' ? auth.displayToken : null;
  return token ? principalFromDisplayToken(deps.sql, token) : null;
}

export function attachLive(io: Io, deps: Deps, ingest: PositionIngest): void {
  const { sql, config, log } = deps;
  const principals = new WeakMap<LiveSocket, Principal>();
  // One snapshot read at a time per scope; sockets that ask while it runs share the next one, which starts after
  // they all joined their rooms and so covers every delta they missed. 200 wall screens reconnecting after a deploy
  // cost a couple of reads instead of 200. The snapshot is packed once per read, not once per socket.
  const reads = new Map<string, { running: Promise<unknown> | null; next: Promise<PackedSnapshot> | null }>();
  const sharedSnapshot = (scope: LiveScope): Promise<PackedSnapshot> => {
    const key = liveRoom(scope);
    const e = reads.get(key) ?? { running: null, next: null };
    reads.set(key, e);
    if (e.next) return e.next;
    e.next = (async () => {
      await e.running?.catch(() => {});
      e.next = null;
      const p = buildSnapshot(sql, config, scope, null).then(encodeSnapshot);
      e.running = p;
      try { return await p; } finally { if (e.running === p) { e.running = null; if (!e.next) reads.delete(key); } }
    })();
    return e.next;
  };

  io.use(async (socket, next) => {
    try {
      const p = await principalFromHandshake(deps, socket.handshake.headers, socket.handshake.auth ?? {});
      if (!p) return next(new Error('unauthorized: sign in or use a display link'));
      principals.set(socket, p);
      socket.data = {
        userId: p.kind === 'user' ? p.userId : null, sessionId: p.kind === 'user' ? p.sessionId : null,
        displayTokenId: p.kind === 'display' ? p.displayTokenId : null, scope: liveScope(p), role: p.kind === 'user' ? p.role : 'display',
      };
      next();
    } catch (err) {
      next(new Error(toAppError(err, log).code === 'unavailable' ? 'unavailable: database unreachable' : 'internal error'));
    }
  });

  io.on('connection', (socket) => {
    const p = principals.get(socket)!;
    const scope = socket.data.scope;
    socket.join([liveRoom(scope), ...positionRooms(scope)]);
    if (p.kind === 'user') socket.join([sessionRoom(p.sessionId), userRoom(p.userId)]);
    if (scope.kind === 'responder') socket.join(responderRoom(scope.responderId));

    const snapshot = () => sharedSnapshot(scope).then((s) => ({ ...s, me: toMe(p) }));
    snapshot().then((s) => socket.emit('live:snapshot', s)).catch((err) => {
      log.warn({ err }, 'snapshot failed; disconnecting so the client retries');
      socket.disconnect(true);
    });

    let tokens = BURST, last = Date.now(), strikes = 0;
    socket.use(([event, ...args], next) => {
      const now = Date.now();
      tokens = Math.min(BURST, tokens + ((now - last) / 1000) * RATE_PER_S);
      last = now;
      const ack = args[args.length - 1];
      const refuse = (error: AppError) => {
        if (++strikes > STRIKES_BEFORE_DISCONNECT) { socket.disconnect(true); return; }
        if (typeof ack === 'function') ack({ ok: false, error: error.toJSON() });
      };
      if (tokens < 1) return refuse(new AppError('rate_limited', 'too many messages, slow down'));
      tokens -= 1;
      if (!KNOWN_EVENTS.has(event)) return refuse(new AppError('bad_request', `unknown event "${String(event).slice(0, 40)}"`));
      if (typeof ack !== 'function') return refuse(new AppError('bad_request', 'every request needs an acknowledgement callback'));
      next();
    });

    /** Runs a handler and answers through the ack: data, or a translated error that is safe to show. */
    const answer = <T>(ack: (r: Ack<T>) => void, fn: () => Promise<T> | T) => {
      Promise.resolve().then(fn).then(
        (data) => ack({ ok: true, data }),
        (err) => ack({ ok: false, error: toAppError(err, log, { socket: socket.id }).toJSON() }),
      );
    };
    const responderId = () => {
      if (p.kind !== 'user' || p.role !== 'responder') throw new AppError('forbidden', 'only responders on duty share their location');
      return p.responderId!;
    };

    socket.on('live:resync', (ack) => answer(ack, snapshot));
    socket.on('time:ping', (ack) => answer(ack, () => ({ serverTime: new Date().toISOString() })));
    socket.on('duty:set', (body, ack) => answer(ack, () => setDuty(sql, responderId(), parse(dutyBody, body).onDuty)));
    socket.on('location:report', (report, ack) => {
      try {
        ingest.report(responderId(), parse(positionReport, report), ack);
      } catch (err) {
        ack({ ok: false, error: toAppError(err, log).toJSON() });
      }
    });
  });
}
