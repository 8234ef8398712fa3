// A position batch reaches each screen in one socket write, header and attachment together (server/live/one-write.ts),
// and still reaches it whole: decoded on the screen to the very point a phone reported.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { decodePositions } from '../shared/positions.ts';
import { startTestServer, waitFor, waitForPosition, type TestServer } from './helpers/server.ts';
import { gridByCode, noAutoDispatch, responderIn, type GridRef } from './helpers/fixtures.ts';

const W = suite<{ s: TestServer; g: GridRef }>('position batches in one write');

W.before(async (ctx) => {
  ctx.s = await startTestServer();
  await noAutoDispatch(ctx.s.sql);
  ctx.g = await gridByCode(ctx.s.sql, '01-1');
});
W.after(async ({ s }) => s.close());

type Chunk = { chunk: Buffer | string };
interface Tcp { _write(chunk: Buffer, enc: string, cb: () => void): void; _writev(chunks: Chunk[], cb: () => void): void }

W('a screen gets each position batch in one write: the header and its attachment together', async ({ s, g }) => {
  const r = await responderIn(s.sql, g.id, 3);
  const phone = s.socket({ cookie: await s.login(r.username) });
  await waitFor(phone, 'live:snapshot');
  await phone.timeout(2000).emitWithAck('duty:set', { onDuty: true });
  const wall = s.socket({ displayToken: s.displayToken });
  await waitFor(wall, 'live:snapshot');

  // Every write of the screen's TCP socket on the server, as the bytes handed to the kernel in one call.
  const serverSide = s.app.io.of('/').sockets.get(wall.id!)!;
  const tcp = (serverSide.conn as unknown as { transport: { socket: { _socket: Tcp } } }).transport.socket._socket;
  const writes: Buffer[] = [];
  const write = tcp._write.bind(tcp), writev = tcp._writev.bind(tcp);
  tcp._write = (chunk, enc, cb) => { writes.push(Buffer.from(chunk)); write(chunk, enc, cb); };
  tcp._writev = (chunks, cb) => { writes.push(Buffer.concat(chunks.map((c) => Buffer.from(c.chunk)))); writev(chunks, cb); };

  const packed = new Promise<Uint8Array>((resolve) => wall.on('positions:batch', (p) => {
    if (decodePositions(p).some((t) => t[0] === r.responderId)) resolve(new Uint8Array(p as ArrayBuffer));
  }));
  const moved = waitForPosition(wall, r.responderId, 2000);
  const ack = await phone.timeout(2000).emitWithAck('location:report', { lat: g.lat + 0.0002, lng: g.lng, accuracy: 9, at: new Date().toISOString() });
  assert.ok(ack.ok);
  const [, lat] = await moved;
  assert.ok(Math.abs(lat - (g.lat + 0.0002)) < 1e-6, 'the screen decodes the reported point');

  const attachment = Buffer.from(await packed);
  const withHeader = writes.filter((w) => w.includes('"positions:batch"'));
  assert.is(withHeader.length, 1, 'one batch, one header');
  assert.ok(withHeader[0].includes(attachment), 'the attachment went out in the same write as its header');
});

W.run();
