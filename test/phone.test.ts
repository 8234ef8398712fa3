// The phone's outbox logic without a browser: what is retried, how long it waits, what survives a reload, what the page shows.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { backoffMs, base64ToBytes, classify, effectiveStatus, loadItems, nextItem, offerRefused, pendingActions, saveItems, sendItem, type OutboxItem } from '../client/mobile/outbox.ts';

const O = suite('phone outbox');

const item = (over: Partial<OutboxItem> = {}): OutboxItem => ({
  key: 'k-' + Math.random().toString(36).slice(2), ticketId: '7', kind: 'action', action: 'respond', body: {},
  createdAt: 0, attempts: 0, nextAt: 0, state: 'waiting', error: null, ...over,
});

function memoryStorage(quota = Infinity) {
  const data = new Map<string, string>();
  return {
    data,
    getItem: (k: string) => data.get(k) ?? null,
    setItem: (k: string, v: string) => { if (v.length > quota) throw new Error('QuotaExceededError'); data.set(k, v); },
    removeItem: (k: string) => { data.delete(k); },
  };
}

O('network failures, timeouts, throttling and server trouble are retried; refusals are not', () => {
  assert.is(classify(null), 'retry');
  for (const s of [408, 425, 429, 500, 502, 503]) assert.is(classify(s), 'retry', String(s));
  for (const s of [200, 201, 204]) assert.is(classify(s), 'done', String(s));
  for (const s of [400, 401, 403, 404, 409, 413, 415]) assert.is(classify(s), 'fail', String(s));
});

O('backoff doubles from 1 s up to 30 s, with jitter of at most 20 %', () => {
  const mid = () => 0.5;
  assert.equal([1, 2, 3, 4, 5, 6, 7, 12].map((a) => backoffMs(a, mid)), [1000, 2000, 4000, 8000, 16000, 30000, 30000, 30000]);
  assert.is(backoffMs(1, () => 0), 800);
  assert.is(backoffMs(1, () => 1), 1200);
});

O('the queue survives a reload; an item caught mid-send is waiting again; a full storage is reported', () => {
  const st = memoryStorage();
  const items = [item({ state: 'sending' }), item({ state: 'failed', error: 'x' })];
  assert.ok(saveItems(st, 'q', items));
  const back = loadItems(st, 'q');
  assert.equal(back.map((i) => i.state), ['waiting', 'failed']);
  assert.ok(saveItems(st, 'q', []));
  assert.not.ok(st.data.has('q'), 'an empty queue leaves nothing behind');
  assert.not.ok(saveItems(memoryStorage(10), 'q', items));
  assert.equal(loadItems({ getItem: () => '{not json' }, 'q'), []);
  assert.equal(loadItems(null, 'q'), []);
});

O('items go in order; failed ones are skipped but kept for the responder to read', () => {
  const a = item({ state: 'failed' }), b = item(), c = item();
  assert.is(nextItem([a, b, c]), b);
  assert.is(nextItem([a]), null);
});

O('the page acts on what is queued: the status after it, and offers the server refused', () => {
  assert.is(effectiveStatus('dispatched', ['accept', 'respond']), 'responded');
  assert.is(effectiveStatus('dispatched', ['decline']), 'declined');
  assert.is(effectiveStatus('responded', ['respond']), 'responded', 'an action already applied changes nothing');
  assert.is(effectiveStatus('accepted', ['respond', 'resolve']), 'resolved');
  const items = [item({ action: 'accept' }), item({ action: 'respond', ticketId: '8' }), item({ action: 'resolve', state: 'failed' })];
  assert.equal(pendingActions(items, '7'), ['accept']);
  assert.not.ok(offerRefused(items, '7'));
  assert.ok(offerRefused([item({ action: 'accept', state: 'failed' })], '7'));
});

O('each item is sent with its own Idempotency-Key; photos as their bytes', async () => {
  const calls: Array<{ url: string; init: RequestInit }> = [];
  const fake = (async (url: string, init: RequestInit) => {
    calls.push({ url, init });
    return new Response(JSON.stringify({ error: { message: 'nope' } }), { status: url.endsWith('photos') ? 201 : 409 });
  }) as unknown as typeof fetch;
  const a = item({ key: 'key-aaaaaaaa', action: 'accept' });
  assert.equal(await sendItem(a, fake), { status: 409, message: 'nope' });
  assert.is(calls[0].url, '/api/tickets/7/accept');
  assert.is((calls[0].init.headers as Record<string, string>)['idempotency-key'], 'key-aaaaaaaa');
  const photo = item({ key: 'key-photo001', kind: 'photo', action: undefined, photo: { base64: Buffer.from('JPEGDATA').toString('base64'), contentType: 'image/jpeg' } });
  assert.equal(await sendItem(photo, fake), { status: 201, message: null });
  assert.is((calls[1].init.headers as Record<string, string>)['content-type'], 'image/jpeg');
  assert.is(Buffer.from(await (calls[1].init.body as Blob).arrayBuffer()).toString(), 'JPEGDATA');
  const down = (async () => { throw new TypeError('Failed to fetch'); }) as unknown as typeof fetch;
  assert.equal(await sendItem(a, down), { status: null, message: null });
  assert.equal([...base64ToBytes('AQID')], [1, 2, 3]);
});

O.run();
