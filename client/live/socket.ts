// The one Socket.IO connection per page: wires the typed contract to a LiveStore (snapshot, deltas, resync, clock).
import type { Socket } from 'socket.io-client';
import type { ClientToServerEvents, ServerToClientEvents } from '../../shared/events.ts';
import type { Ack } from '../../shared/errors.ts';
import { decodePositions } from '../../shared/positions.ts';
import { decodeSnapshot, type PackedSnapshot } from '../../shared/snapshot-codec.ts';
import { pingSample, snapshotSample } from './clock.ts';
import { openLiveSocket, takeEarlySocket } from './preconnect.ts';
import type { LiveStore } from './store.svelte.ts';

export type LiveSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

const PING_EVERY_MS = 60_000;
const ACK_TIMEOUT_MS = 10_000;

export interface LiveConnection { socket: LiveSocket; close(): void }

/**
 * Connects and keeps the store in step. A display token authenticates a wall screen; without one the
 * session cookie does (the browser sends it on the handshake).
 */
export function connectLive(store: LiveStore, opts: { displayToken?: string | null } = {}): LiveConnection {
  const early = takeEarlySocket(opts.displayToken);
  const socket: LiveSocket = early?.socket ?? openLiveSocket(opts.displayToken);
  let pingTimer: ReturnType<typeof setInterval> | null = null;

  const ping = () => {
    const sentAt = Date.now();
    socket.timeout(ACK_TIMEOUT_MS).emit('time:ping', (err: Error | null, res: Ack<{ serverTime: string }>) => {
      if (err || !res?.ok) return;
      store.addClockSample(pingSample(res.data.serverTime, sentAt, Date.now()));
    });
  };

  const takeSnapshot = (packed: PackedSnapshot) => {
    // Marks for bench/wall.ts: when the (parsed) snapshot arrived, and when the store had applied it.
    performance.mark('gridops:snapshot-received');
    const snap = decodeSnapshot(packed);
    store.addClockSample(snapshotSample(snap.serverTime, Date.now()));
    store.receiveSnapshot(snap);
    performance.mark('gridops:snapshot-applied');
    // Replayed batches can reveal another hole: ask again rather than show a wrong picture.
    if (store.resyncing) resync();
  };

  const resync = () => {
    socket.timeout(ACK_TIMEOUT_MS).emit('live:resync', (err: Error | null, res: Ack<PackedSnapshot>) => {
      if (err || !res?.ok) {
        store.resyncFailed();
        // A failed resync leaves stale state: reconnecting yields a fresh snapshot for sure.
        socket.disconnect().connect();
        return;
      }
      takeSnapshot(res.data);
    });
  };

  socket.on('connect', () => {
    store.connected();
    ping();
    // A couple of early samples give a good offset before the first minute is up.
    setTimeout(ping, 1500);
  });
  socket.on('live:snapshot', takeSnapshot);
  socket.on('live:delta', (batch) => {
    if (store.receiveDelta(batch).kind === 'gap') resync();
  });
  socket.on('positions:batch', (packed) => store.receivePositions({ positions: decodePositions(packed) }));
  socket.on('metrics:update', (kpis) => store.receiveKpis(kpis));
  let ended = false;
  let retry: ReturnType<typeof setTimeout> | null = null;
  socket.on('session:ended', () => {
    ended = true;
    // A wall's link was revoked or rotated: the same words as for a bad link, the wall cannot sign in anyway.
    store.disconnected(true, opts.displayToken ? 'unauthorized' : 'sessionEnded');
    socket.disconnect();
  });
  socket.on('disconnect', (reason) => {
    if (ended || reason === 'io client disconnect') return store.disconnected(true);
    store.disconnected(false);
    // socket.io does not retry when the server closed us, yet that is what a restarting server does:
    // come back after a jittered pause (a room full of walls must not reconnect in lockstep).
    if (reason === 'io server disconnect') retry = setTimeout(() => socket.connect(), 1000 + Math.random() * 2000);
  });
  socket.on('connect_error', (err) => {
    if (socket.active) return store.disconnected(false); // network trouble: socket.io retries by itself
    // Refused by the server's handshake: a bad token or no session is final; anything else (database
    // briefly unreachable) is worth another try, which socket.io will not make after a refusal.
    if (/^unauthorized/.test(err.message)) return store.disconnected(true, 'unauthorized');
    store.disconnected(false);
    retry = setTimeout(() => socket.connect(), 3000 + Math.random() * 3000);
  });

  pingTimer = setInterval(() => { if (socket.connected) ping(); }, PING_EVERY_MS);
  store.start();
  early?.replay();

  return {
    socket,
    close() {
      ended = true;
      if (retry) clearTimeout(retry);
      if (pingTimer) clearInterval(pingTimer);
      store.stop();
      socket.disconnect();
    },
  };
}
