// A binary event reaches a browser as two engine.io packets (its header and its attachment). Socket.IO hands the
// second to the transport only once the first has been written, so a position batch cost every screen two socket
// writes, the second from a later callback: at city scale ~2,000 extra writes a second. Here both packets are given
// to engine.io together and written with the TCP socket corked: one write per screen per batch.
// This reaches below Socket.IO's public API (engine.io's transport and ws's socket, as backpressure.ts does);
// test/one-write.test.ts fails if an upgrade changes what it relies on.
import type { Io } from '../http/types.ts';
import type { ServerToClientEvents } from '../../shared/events.ts';

/** The parts of engine.io's connection this relies on (engine.io 6: Socket, transports/websocket). */
interface EngineConn {
  readyState: string;
  transport: { name: string; writable: boolean; socket?: { _socket?: { cork(): void; uncork(): void } } };
  write(data: unknown, opts: object): void;
  flush(): void;
}

/** Emits `event` with a binary payload to this instance's members of `room`, but not to `except`. */
export function emitInOneWrite(io: Io, room: string, except: ReadonlySet<string>, event: keyof ServerToClientEvents, data: Uint8Array): void {
  const ns = io.of('/');
  const members = ns.adapter.rooms.get(room);
  if (!members) return;
  // Encoded once for the room, as Socket.IO's own broadcast does: [header, attachment].
  const encoded = io.encoder.encode({ type: 2 /* EVENT: the encoder makes it BINARY_EVENT */, nsp: '/', data: [event, data] }) as unknown[];
  for (const id of members) {
    if (except.has(id)) continue;
    const conn = ns.sockets.get(id)?.conn as unknown as EngineConn | undefined;
    if (!conn || conn.readyState !== 'open') continue;
    const t = conn.transport;
    // Busy (still writing an earlier packet) or long-polling: engine.io queues both and sends them together anyway.
    if (t.name !== 'websocket' || !t.writable) { for (const p of encoded) conn.write(p, {}); continue; }
    const tcp = t.socket?._socket;
    t.writable = false;
    try { for (const p of encoded) conn.write(p, {}); } finally { t.writable = true; }
    tcp?.cork();
    conn.flush();
    tcp?.uncork();
  }
}
