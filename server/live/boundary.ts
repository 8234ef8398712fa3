// The socket boundary: the one place that reads what a client sent. Every message is parsed against the contract in
// shared/events.ts (known event, payload schema, ack last and a function, nothing extra), checked against who may send
// it and how often, and only then handed to its handler; whatever a handler throws or rejects with becomes an error
// ack. No client message reaches the process as an exception.
import type { Socket } from 'socket.io';
import type { Logger } from 'pino';
import { AppError, type Ack } from '../../shared/errors.ts';
import { CLIENT_EVENTS, type ClientEvent, type ClientEventPayload, type ClientEventResults, type ClientEventSpec, type ClientToServerEvents, type LivePrincipalKind, type ServerToClientEvents, type SocketData } from '../../shared/events.ts';
import type { Principal } from '../auth/principal.ts';
import type { ServerSideEvents } from '../http/types.ts';
import { toAppError } from '../http/errors.ts';
import { parse } from '../http/validate.ts';

export type LiveSocket = Socket<ClientToServerEvents, ServerToClientEvents, ServerSideEvents, SocketData>;

export interface EventContext { socket: LiveSocket; principal: Principal }
type Reply<E extends ClientEvent> = (res: Ack<ClientEventResults[E]>) => void;

/**
 * A handler answers with data (or throws), or — for streams whose answer comes later, such as positions acked once
 * committed — takes the reply and calls it exactly once itself.
 */
export type EventHandler<E extends ClientEvent> =
  | { run(ctx: EventContext, payload: ClientEventPayload<E>): ClientEventResults[E] | Promise<ClientEventResults[E]> }
  | { defer(ctx: EventContext, payload: ClientEventPayload<E>, reply: Reply<E>): void };
export type EventHandlers = { [E in ClientEvent]: EventHandler<E> };

/**
 * A socket that keeps sending refused messages is cut off: more than 200 strikes, one forgiven per second, so a flood
 * is cut within seconds while a wall that errs now and then over months of uptime is not.
 */
export const STRIKES = { max: 200, forgivenPerS: 1 } as const;
const EVENT_NAME_MAX = 40;

export function principalKind(p: Principal): LivePrincipalKind {
  return p.kind === 'display' ? 'display' : p.role;
}

/** Socket.io middleware for one socket: parses, authorises, rate-limits and dispatches every incoming message. */
export function socketBoundary(socket: LiveSocket, principal: Principal, handlers: EventHandlers, log: Logger) {
  const ctx: EventContext = { socket, principal };
  return eventBoundary({ socket, kind: principalKind(principal), table: CLIENT_EVENTS, log, run: (name, payload, ack) => {
    const h = handlers[name as ClientEvent] as EventHandler<ClientEvent>;
    if ('defer' in h) h.defer(ctx, payload as never, ack as never);
    else return Promise.resolve(h.run(ctx, payload as never)).then((data) => ack({ ok: true, data }));
  } });
}

/**
 * The boundary itself, for any namespace's table of client events (the main contract, the tracking namespace's):
 * `run` gets only messages that passed every check, and whatever it throws or rejects with becomes an error ack.
 */
export function eventBoundary(o: {
  socket: { id: string; disconnect(close?: boolean): unknown };
  kind: LivePrincipalKind;
  table: Record<string, ClientEventSpec>;
  log: Logger;
  run(name: string, payload: unknown, ack: (res: Ack<unknown>) => void): void | Promise<unknown>;
  /** The clock (tests move it). */
  now?: () => number;
}) {
  const { socket, kind, table, log } = o;
  const now = o.now ?? Date.now;
  const buckets = new Map<string, { tokens: number; last: number }>();
  let strikes = 0;
  let struckAt = 0;

  const take = (event: string): boolean => {
    const { perS, burst } = table[event].rate;
    const t = now();
    const b = buckets.get(event) ?? { tokens: burst, last: t };
    b.tokens = Math.min(burst, b.tokens + ((t - b.last) / 1000) * perS);
    b.last = t;
    buckets.set(event, b);
    if (b.tokens < 1) return false;
    b.tokens -= 1;
    return true;
  };

  // Built once per socket, not per message: at 10,000 positions a second each closure per message (and the name tsx
  // gives each) showed in the server's profile.
  function refuse(ack: ((res: Ack<unknown>) => void) | null, error: AppError): void {
    const t = now();
    strikes = Math.max(0, strikes - ((t - struckAt) / 1000) * STRIKES.forgivenPerS) + 1;
    struckAt = t;
    if (strikes > STRIKES.max) { socket.disconnect(true); return; }
    ack?.({ ok: false, error: error.toJSON() });
  }
  function fail(ack: (res: Ack<unknown>) => void, event: string, err: unknown): void {
    ack({ ok: false, error: toAppError(err, log, { socket: socket.id, event }).toJSON() });
  }

  return function boundary(packet: unknown[], _next: (err?: Error) => void): void {
    // Never calls next(): no socket.on handler exists for client events, the boundary dispatches them itself.
    const event = packet[0];
    const n = packet.length - 1;
    const last = packet[n];
    const ack = n > 0 && typeof last === 'function' ? onceSafe(last as (res: unknown) => void, log) : null;
    if (typeof event !== 'string' || !Object.hasOwn(table, event)) {
      return refuse(ack, new AppError('bad_request', `unknown event "${String(event).slice(0, EVENT_NAME_MAX)}"`));
    }
    const spec = table[event];
    // Without an ack nothing can be answered: the message is dropped (and counted), never half-handled.
    if (!ack) return refuse(ack, new AppError('bad_request', 'every request needs an acknowledgement callback as its last argument'));
    const expected = spec.payload ? 2 : 1;
    if (n !== expected) {
      return refuse(ack, new AppError('bad_request', `${event} takes ${spec.payload ? 'a payload and ' : ''}an acknowledgement, got ${n} argument(s)`));
    }
    if (!spec.allow.includes(kind)) return refuse(ack, new AppError('forbidden', `${kind} may not send ${event}`));
    if (!take(event)) return refuse(ack, new AppError('rate_limited', `too many ${event} messages, slow down`));
    let payload: unknown = undefined;
    try {
      if (spec.payload) payload = parse(spec.payload, packet[1]);
    } catch (err) {
      return refuse(ack, toAppError(err, log));
    }
    try {
      const done = o.run(event, payload, ack);
      if (done) done.catch((err) => fail(ack, event, err));
    } catch (err) {
      fail(ack, event, err);
    }
  };
}

/** The client's ack, callable once; a second call or a throw inside it is logged, never propagated. */
function onceSafe(fn: (res: unknown) => void, log: Logger): (res: Ack<unknown>) => void {
  let done = false;
  return (res) => {
    if (done) return;
    done = true;
    try { fn(res); } catch (err) { log.warn({ err }, 'acknowledgement failed'); }
  };
}
