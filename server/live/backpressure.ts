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

/**
 * Ids of this instance's sockets too far behind to be sent another position batch; disconnects the hopeless ones.
 * One pass over the local sockets per flush (a few thousand property reads every 100 ms).
 */
export function backloggedSockets(io: Io): string[] {
  const slow: string[] = [];
  for (const [id, socket] of io.of('/').sockets) {
    const { bytes, packets } = backlog(socket.conn);
    if (bytes >= DISCONNECT_BYTES || packets >= DISCONNECT_PACKETS) socket.disconnect(true);
    else if (bytes >= SKIP_POSITIONS_BYTES) slow.push(id);
  }
  return slow;
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
