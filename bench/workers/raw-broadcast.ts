// Bench worker: the raw fan-out limit. A plain Socket.IO server (no auth, no database, no adapter) that broadcasts
// position tuples to every client in batches every 100 ms, in the same binary form the real server sends.
import http from 'node:http';
import { Server } from 'socket.io';
import { POSITION_FLUSH_MS, type PositionTuple, type ServerToClientEvents } from '../../shared/events.ts';
import { encodePositions } from '../../shared/positions.ts';
import { serve } from '../lib/ipc.ts';

const server = http.createServer();
const io = new Server<Record<string, never>, ServerToClientEvents>(server, { serveClient: false, pingInterval: 10_000, pingTimeout: 8_000 });
let timer: NodeJS.Timeout | undefined;
let next = 0;

serve({
  async listen() {
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    return (server.address() as { port: number }).port;
  },
  /** Emits perSecond/10 distinct responders' latest positions every 100 ms (0 stops). */
  rate({ perSecond, responders }: { perSecond: number; responders: number }) {
    clearInterval(timer);
    if (perSecond <= 0) return true;
    const perBatch = Math.round((perSecond * POSITION_FLUSH_MS) / 1000);
    timer = setInterval(() => {
      const now = Date.now();
      const positions: PositionTuple[] = [];
      for (let k = 0; k < perBatch; k++) {
        const id = 100_000 + (next++ % responders);
        positions.push([String(id), 39 + (id % 1000) * 1e-4 + Math.random() * 1e-5, 117 + (id % 997) * 1e-4 + Math.random() * 1e-5, now]);
      }
      io.emit('positions:batch', encodePositions(positions));
    }, POSITION_FLUSH_MS);
    return true;
  },
  clients() { return io.engine.clientsCount; },
  async close() {
    clearInterval(timer);
    await new Promise<void>((r) => io.close(() => r()));
    return true;
  },
});
