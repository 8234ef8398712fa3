// The binary wire form of position batches: what the server packs is what every screen unpacks.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { PositionTuple } from '../shared/events.ts';
import { decodePositions, encodePositions } from '../shared/positions.ts';

const T = Date.parse('2026-11-23T08:00:00.123Z');

test('a batch round-trips to within a centimetre and the exact millisecond', () => {
  const sent: PositionTuple[] = [['17', 38.3012345678, 116.8512345678, T + 40], ['4294967295', -33.9, -151.2, T], ['1', 0, 0, T + 99]];
  const packed = encodePositions(sent);
  assert.is(packed.byteLength, 16 + 16 * sent.length, '16 bytes a point');
  const got = decodePositions(packed);
  assert.is(got.length, sent.length);
  got.forEach((p, i) => {
    assert.is(p[0], sent[i][0]);
    assert.ok(Math.abs(p[1] - sent[i][1]) < 1e-7 && Math.abs(p[2] - sent[i][2]) < 1e-7, `point ${i} within 1e-7°`);
    assert.is(p[3], sent[i][3]);
  });
});

test('a browser ArrayBuffer and a Node Buffer slice decode alike; an empty batch is valid', () => {
  const packed = encodePositions([['5', 39.1, 117.2, T]]);
  const inBigger = Buffer.concat([Buffer.from('xxxx'), Buffer.from(packed)]).subarray(4);
  assert.equal(decodePositions(inBigger), decodePositions(packed.slice().buffer));
  assert.equal(decodePositions(encodePositions([])), []);
});

test('ids the format cannot carry and damaged batches are refused, not misread', () => {
  assert.throws(() => encodePositions([['4294967296', 1, 1, T]]), /does not fit/);
  assert.throws(() => encodePositions([['abc', 1, 1, T]]), /does not fit/);
  const packed = encodePositions([['5', 39.1, 117.2, T], ['6', 39.1, 117.2, T]]);
  assert.throws(() => decodePositions(packed.subarray(0, 20)), /truncated/);
  assert.throws(() => decodePositions(packed.subarray(0, 8)), /header/);
});

test.run();
