// The wall's live socket, opened before the rest of the app is even loaded (main.ts imports this module first), so the
// server is already reading the snapshot (a few hundred ms at city scale) while the page is still starting up.
// connectLive() adopts the socket; events that came before it did are replayed to it in order.
import { io, type Socket } from 'socket.io-client';
import type { ClientToServerEvents, ServerToClientEvents } from '../../shared/events.ts';

type LiveSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

/** How every page opens its live socket: a display token authenticates a wall; otherwise the session cookie does. */
export function openLiveSocket(displayToken: string | null | undefined): LiveSocket {
  return io({ auth: displayToken ? { displayToken } : {}, transports: ['websocket', 'polling'] });
}

interface Early { socket: LiveSocket; token: string | null; queued: [string, unknown[]][]; keep: (event: string, ...args: unknown[]) => void }
let early: Early | null = null;

if (window.location.pathname.replace(/\/+$/, '') === '/wall') {
  const token = new URLSearchParams(window.location.search).get('token');
  const queued: Early['queued'] = [];
  const keep = (event: string, ...args: unknown[]) => { queued.push([event, args]); };
  early = { socket: openLiveSocket(token), token, queued, keep };
  early.socket.onAny(keep);
}

/**
 * Resolves once the early socket has opened (its Socket.IO handshake is then sent at once), failed, or after `maxMs`;
 * at once where there is no early socket. The handshake needs the page's main thread, which the app's start-up would
 * otherwise hold for a few hundred ms.
 */
export function earlyHandshake(maxMs: number): Promise<void> {
  const s = early?.socket;
  if (!s || s.connected) return Promise.resolve();
  return new Promise((resolve) => {
    const done = () => { clearTimeout(timer); s.io.off('open', done); s.io.off('error', done); resolve(); };
    const timer = setTimeout(done, maxMs);
    s.io.on('open', done);
    s.io.on('error', done);
  });
}

/**
 * The socket opened early for these credentials, or null (then the caller opens its own). Call replay() once the
 * handlers are attached: it hands them the connection and every event received so far.
 */
export function takeEarlySocket(displayToken: string | null | undefined): { socket: LiveSocket; replay(): void } | null {
  const e = early;
  early = null;
  if (!e) return null;
  e.socket.offAny(e.keep);
  // Refused already (socket.io gives up after a refusal): a fresh socket reports it to the caller's handlers.
  if (e.token !== (displayToken ?? null) || (!e.socket.connected && !e.socket.active)) {
    e.socket.close();
    return null;
  }
  return {
    socket: e.socket,
    replay() {
      const s = e.socket as unknown as { connected: boolean; listeners(event: string): ((...args: unknown[]) => void)[] };
      if (s.connected) for (const fn of s.listeners('connect')) fn();
      for (const [event, args] of e.queued) for (const fn of s.listeners(event)) fn(...args);
      e.queued.length = 0;
    },
  };
}
