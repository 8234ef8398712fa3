// The residents' public doors as a hostile client would try them: photos through the one photo check (a script named
// .jpg, a 50-megapixel bomb, polyglots, EXIF GPS, too many, too late), and the limits per client address, per phone
// number and per Open311 key, holding across two instances and saying so in plain words with Retry-After.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { crc32, deflateSync } from 'node:zlib';
import sharp from 'sharp';
import exifReader from 'exif-reader';
import { serverOn, startTestServer, type TestServer } from './helpers/server.ts';
import { gridByCode, type GridRef } from './helpers/fixtures.ts';
import { createKey } from '../server/open311/keys.ts';

const MAX_BYTES = 1_000_000;
interface Ctx { s: TestServer; g: GridRef }
const U = suite<Ctx>('residents: uploads and limits');

U.before(async (ctx) => {
  ctx.s = await startTestServer({ config: { photoMaxBytes: MAX_BYTES } });
  ctx.g = await gridByCode(ctx.s.sql, '01-1');
});
U.after(async ({ s }) => s.close());

async function report(s: TestServer, g: GridRef, over: Record<string, unknown> = {}, headers: Record<string, string> = {}) {
  return s.api('POST', '/api/public/reports', { body: { category: 'clutter', lat: g.lat, lng: g.lng, ...over }, headers });
}
async function upload(s: TestServer, code: string, bytes: Buffer, type = 'image/jpeg', key?: string) {
  const res = await fetch(`${s.url}/api/public/track/${code}/photos`, { method: 'POST', headers: { 'content-type': type, ...(key ? { 'idempotency-key': key } : {}) }, body: new Uint8Array(bytes) });
  return { status: res.status, body: await res.json(), headers: res.headers };
}
async function photosOf(s: TestServer, code: string) {
  const view = await s.api('GET', `/api/public/track/${code}`);
  return view.body.photoCount as number;
}
const picture = (w = 800, h = 600) => sharp({ create: { width: w, height: h, channels: 3, background: '#a65' } }).jpeg().toBuffer();

/** A phone's picture as it leaves the camera: sideways (orientation 6) and with the GPS position of the home. */
const phonePicture = () => sharp({ create: { width: 600, height: 300, channels: 3, background: '#58a' } }).jpeg()
  .withMetadata({ orientation: 6 })
  .withExifMerge({ IFD0: { Make: 'ResidentPhone', Model: 'R1' }, IFD3: { GPSLatitudeRef: 'N', GPSLatitude: '38/1 18/1 0/1', GPSLongitudeRef: 'E', GPSLongitude: '116/1 50/1 30/1' } })
  .toBuffer();

/** 50 megapixels of white in a few kilobytes (1 bit per pixel, every row the same): a decompression bomb. */
function bomb(width = 10_000, height = 5_000): Buffer {
  const chunk = (type: string, data: Buffer) => {
    const typed = Buffer.concat([Buffer.from(type, 'ascii'), data]);
    const out = Buffer.alloc(12 + data.length);
    out.writeUInt32BE(data.length, 0);
    typed.copy(out, 4);
    out.writeUInt32BE(crc32(typed) >>> 0, 8 + data.length);
    return out;
  };
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header[8] = 1; // bit depth
  header[9] = 0; // greyscale
  const row = Buffer.alloc(1 + Math.ceil(width / 8), 0xff);
  row[0] = 0;
  const pixels = deflateSync(Buffer.concat(Array.from({ length: height }, () => row)), { level: 9 });
  return Buffer.concat([Buffer.from('89504e470d0a1a0a', 'hex'), chunk('IHDR', header), chunk('IDAT', pixels), chunk('IEND', Buffer.alloc(0))]);
}

U('a camera photo is stored upright and cleaned: no GPS position, no camera, no EXIF at all', async ({ s, g }) => {
  const code = (await report(s, g)).body.trackingCode;
  const original = await phonePicture();
  assert.equal(exifReader((await sharp(original).metadata()).exif!).GPSInfo?.GPSLatitude, [38, 18, 0], 'the fixture carries a position');
  const res = await upload(s, code, original);
  assert.is(res.status, 201, JSON.stringify(res.body));
  assert.is(res.body.photoCount, 1);
  const [row] = await s.sql<{ bytes: Buffer; content_type: string; by_resident: boolean; uploaded_by: string | null }[]>`
    SELECT p.bytes, p.content_type, p.by_resident, p.uploaded_by FROM ticket_photos p WHERE p.by_resident ORDER BY p.id DESC LIMIT 1`;
  const meta = await sharp(row.bytes).metadata();
  assert.is(meta.exif, undefined);
  assert.is(row.bytes.includes(Buffer.from('ResidentPhone')), false);
  assert.equal([meta.width, meta.height], [300, 600], 'turned upright before the orientation was dropped');
  assert.is(row.uploaded_by, null);
});

U('a script named .jpg, an SVG and an HTML-first polyglot are refused by their content (415), with a clear message', async ({ s, g }) => {
  const code = (await report(s, g)).body.trackingCode;
  const html = Buffer.from('<html><script>fetch("/api/me")</script></html>');
  for (const [bytes, type] of [
    [Buffer.from('#!/bin/sh\nrm -rf /\n'), 'image/jpeg'],
    [Buffer.from('<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>'), 'image/svg+xml'],
    [Buffer.concat([html, await picture()]), 'image/jpeg'],
  ] as const) {
    const res = await upload(s, code, bytes, type);
    assert.is(res.status, 415, bytes.toString('latin1').slice(0, 30));
    assert.match(res.body.error.message, /JPEG, PNG or WebP/);
  }
  assert.is(await photosOf(s, code), 0, 'nothing was stored');
});

U('a JPEG carrying HTML after its end is stored re-encoded, without the HTML', async ({ s, g }) => {
  const code = (await report(s, g)).body.trackingCode;
  const polyglot = Buffer.concat([await picture(), Buffer.from('<script>alert(document.cookie)</script>')]);
  assert.is((await upload(s, code, polyglot)).status, 201);
  const [row] = await s.sql<{ bytes: Buffer }[]>`SELECT bytes FROM ticket_photos WHERE by_resident ORDER BY id DESC LIMIT 1`;
  assert.is(row.bytes.includes(Buffer.from('<script')), false);
});

U('a 50-megapixel image is refused (413) before it is decoded; so is a body over the size limit', async ({ s, g }) => {
  const code = (await report(s, g)).body.trackingCode;
  const b = bomb();
  assert.ok(b.length < 30_000, `${b.length} bytes`);
  const res = await upload(s, code, b, 'image/png');
  assert.is(res.status, 413);
  assert.match(res.body.error.message, /10000×5000 \(50\.0 megapixels\)/);
  const big = await upload(s, code, Buffer.alloc(MAX_BYTES + 10, 0xff));
  assert.is(big.status, 413);
  assert.is(await photosOf(s, code), 0);
});

U('at most three photos per report; a retry with the same key stores one; an unknown code is refused before the body', async ({ s, g }) => {
  const code = (await report(s, g)).body.trackingCode;
  const jpeg = await picture();
  assert.is((await upload(s, code, jpeg, 'image/jpeg', 'photo-key-0001')).status, 201);
  assert.is((await upload(s, code, jpeg, 'image/jpeg', 'photo-key-0001')).body.photoCount, 1, 'the retry found the first');
  assert.is((await upload(s, code, jpeg)).status, 201);
  assert.is((await upload(s, code, jpeg)).status, 201);
  const fourth = await upload(s, code, jpeg);
  assert.is(fourth.status, 409);
  assert.match(fourth.body.error.message, /最多 3 张照片/);
  assert.is(await photosOf(s, code), 3);
  assert.is((await upload(s, 'Z'.repeat(22), jpeg)).status, 404);
  // A report older than the photo window takes none.
  const late = (await report(s, g)).body.trackingCode;
  await s.sql`UPDATE tickets SET reported_at = now() - interval '2 hours' WHERE id = (SELECT max(id) FROM tickets)`;
  const refused = await upload(s, late, jpeg);
  assert.is(refused.status, 409);
  assert.match(refused.body.error.message, /60 分钟内/);
});

U('limits hold across two instances and say so: reports per address, per phone number; reads; Open311 per key', async () => {
  const a = await startTestServer({ config: { reportsPerAddressPerHour: 4, reportsPerPhonePerDay: 2, publicReadsPerAddressPerMinute: 6, open311PostsPerKeyPerMinute: 2 } });
  const b = await serverOn({ url: '', sql: a.sql }, { config: a.app.deps.config });
  try {
    const g = await gridByCode(a.sql, '01-1');
    // Per phone number: the third report with the same number is refused, whichever instance takes it.
    assert.is((await report(a, g, { phone: '13700000001' })).status, 201);
    assert.is((await report(b, g, { phone: '137-0000-0001' })).status, 201);
    const phone = await report(a, g, { phone: '13700000001' });
    assert.is(phone.status, 429);
    assert.match(phone.body.error.message, /这个手机号今天提交的报告太多了，请 \d+ 分钟后再试/);
    assert.ok(Number(phone.body.error.retryAfterS) > 0);
    // Per address: four in the hour across both instances (the refused phone one counted too), then refused.
    assert.is((await report(b, g)).status, 201);
    const address = await report(a, g);
    assert.is(address.status, 429);
    assert.match(address.body.error.message, /从这里提交的报告太多了/);
    const res = await fetch(`${b.url}/api/public/reports`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ category: 'clutter', lat: g.lat, lng: g.lng }) });
    assert.is(res.status, 429);
    assert.ok(Number(res.headers.get('retry-after')) > 0, 'Retry-After says when');
    const [{ n }] = await a.sql<{ n: number }[]>`SELECT count(*)::int AS n FROM tickets WHERE channel = 'resident_page'`;
    assert.is(n, 3, 'refused reports made no ticket');
    // Public reads: the tracking view, the report page's map and Open311 reads share one budget per address.
    for (let i = 0; i < 6; i++) assert.is((await fetch(`${i % 2 ? a.url : b.url}/api/public/locate?lat=38.3&lng=116.84`)).status, 200);
    const read = await fetch(`${a.url}/open311/v2/services.json`);
    assert.is(read.status, 429);
    const body = await read.json();
    assert.is(body[0].code, 429, 'Open311 says it in its errors element');
    assert.match(body[0].description, /访问太频繁/);
    // Open311: per key per minute.
    const [so] = await a.sql<{ id: string }[]>`SELECT id FROM street_offices ORDER BY id LIMIT 1`;
    const { key } = await createKey(a.sql, so.id, 'limited', null);
    const post = (s: TestServer) => fetch(`${s.url}/open311/v2/requests.xml`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ api_key: key, service_code: 'clutter', lat: String(g.lat), long: String(g.lng) }) });
    assert.is((await post(a)).status, 201);
    assert.is((await post(b)).status, 201);
    const third = await post(a);
    assert.is(third.status, 429);
    assert.match(await third.text(), /<code>429<\/code>\s*<description>该接口密钥提交太频繁/);
  } finally {
    await b.app.close();
    await a.close();
  }
});

U.run();
