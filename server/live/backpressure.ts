// Slow readers: a screen that stops reading (a frozen browser tab, a congested uplink) must not make the server queue
// position batches for it without bound. Positions are latest-wins, so a backlogged socket simply skips batches until
// it has caught up; one that falls far behind on everything is disconnected and resyncs from a snapshot when back.
// (One that stops reading altogether also misses engine.io's heartbeat and is closed within ~18 s.)
import type { Io } from '../http/types.ts';

/** Bytes waiting to go out on a socket before its position batches are skipped (a city snapshot is ~1 MB). */
export const SKIP_POSITIONS_BYTES = 256 * 1024;
/** Bytes waiting before the socket is cut off: deltas are never skipped, so this bounds what one socket can hold. */
export const DISCONNECT_BYTES = 16 * 1024 * 1024;

/** Packets engine.io may hold for one socket (each needs its own write) before the socket is cut off. */
export const DISCONNECT_PACKETS = 10_000;

/** How often every socket of the instance (phones too, which join no position room) is checked for the cut-off. */
export const BACKLOG_SWEEP_MS = 1000;

type LocalSocket = ReturnType<Io['of']>['sockets'] extends Map<string, infer S> ? S : never;

const hopeless = ({ bytes, packets }: { bytes: number; packets: number }) => bytes >= DISCONNECT_BYTES || packets >= DISCONNECT_PACKETS;

/**
 * Ids of this instance's sockets in `rooms` too far behind to be sent another position batch; cuts off the hopeless
 * ones. Only the rooms a flush is about to reach (the screens, a few hundred): a pass over every socket per flush
 * was 12 % of the server's CPU with a city's 10,000 phones connected, and delayed each batch by its length.
 */
export function slowReaders(io: Io, rooms: Iterable<string>): string[] {
  const ns = io.of('/');
  const seen = new Set<string>();
  const slow: string[] = [];
  for (const room of rooms) {
    for (const id of ns.adapter.rooms.get(room) ?? []) {
      if (seen.has(id)) continue;
      seen.add(id);
      const socket = ns.sockets.get(id);
      if (!socket) continue;
      const b = backlog(socket.conn);
      if (hopeless(b)) socket.disconnect(true);
      else if (b.bytes >= SKIP_POSITIONS_BYTES) slow.push(id);
    }
  }
  return slow;
}

/** The sweep is done in this many slices per period, so 10,000 phones are never checked in one block of the loop. */
const SWEEP_SLICES = 10;

/**
 * Every local socket (screens and phones) checked for the cut-off once per `everyMs`, a tenth of them at a time
 * (a Map's iterator survives sockets joining and leaving meanwhile). Returns its stop.
 */
export function startBacklogSweep(io: Io, everyMs = BACKLOG_SWEEP_MS): () => void {
  let pass: Iterator<LocalSocket> | null = null;
  const timer = setInterval(() => {
    const sockets = io.of('/').sockets;
    for (let k = Math.ceil(sockets.size / SWEEP_SLICES); k > 0; k--) {
      pass ??= sockets.values();
      const next = pass.next();
      if (next.done) { pass = null; break; }
      if (hopeless(backlog(next.value.conn))) next.value.disconnect(true);
    }
  }, everyMs / SWEEP_SLICES);
  timer.unref();
  return () => clearInterval(timer);
}

/**
 * What a connection has not handed to the kernel yet: the WebSocket's buffered bytes (ws' public `bufferedAmount`),
 * plus the packets engine.io holds back while the last write has not completed (once the kernel's buffer is full, it
 * never does). Neither is in engine.io's public types; a transport without them (long-polling) counts as caught up.
 */
export function backlog(conn: unknown): { bytes: number; packets: number } {
  const c = conn as { writeBuffer?: Array<{ data?: unknown }>; transport?: { socket?: { bufferedAmount?: unknown } } };
  const buffered = c.transport?.socket?.bufferedAmount;
  let bytes = typeof buffered === 'number' ? buffered : 0;
  const held = Array.isArray(c.writeBuffer) ? c.writeBuffer : [];
  if (held.length < DISCONNECT_PACKETS) {
    for (const p of held) bytes += typeof p.data === 'string' ? p.data.length : (p.data as ArrayBufferLike | undefined)?.byteLength ?? 0;
  }
  return { bytes, packets: held.length };
}
