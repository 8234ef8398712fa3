// Bench worker: a hostile client in its own process. Sockets that send garbage as fast as the server lets them (unknown
// events, extra arguments, acks in the wrong place, resync floods, malformed positions) and HTTP that guesses passwords
// and posts bad bodies; counts what was sent and how the server answered.
import { io, type Socket } from 'socket.io-client';
import { serve } from '../lib/ipc.ts';

type Raw = Socket & { emit(event: string, ...args: unknown[]): Socket };
let sockets: Raw[] = [];
let running = false;
const answers = new Map<string, number>();
let sent = 0, httpSent = 0;
const count = (k: string) => answers.set(k, (answers.get(k) ?? 0) + 1);

const GARBAGE: Array<(s: Raw) => void> = [
  (s) => s.emit('tickets:steal', { all: true }, (r: { error?: { code: string } }) => count(`ack:${r?.error?.code ?? 'ok'}`)),
  (s) => s.emit('time:ping', 1, (r: { error?: { code: string } }) => count(`ack:${r?.error?.code ?? 'ok'}`)),
  (s) => s.emit('live:resync', (r: { ok: boolean; error?: { code: string } }) => count(`ack:${r?.ok ? 'snapshot' : r?.error?.code}`)),
  (s) => s.emit('location:report', { lat: 'north', lng: [] }, (r: { error?: { code: string } }) => count(`ack:${r?.error?.code ?? 'ok'}`)),
  (s) => s.emit('duty:set', () => {}, 'ack first'),
  (s) => s.emit('time:ping', 'no ack'),
];

async function socketLoop(perSecond: number) {
  const interval = 1000 / Math.max(1, perSecond);
  let i = 0;
  while (running) {
    const start = Date.now();
    const batch = Math.max(1, Math.round(perSecond / 100));
    for (let k = 0; k < batch; k++) {
      const s = sockets[i++ % sockets.length];
      if (s.connected) { GARBAGE[i % GARBAGE.length](s); sent++; }
    }
    await new Promise((r) => setTimeout(r, Math.max(0, interval * batch - (Date.now() - start))));
  }
}

async function httpLoop(base: string, perSecond: number) {
  const interval = 1000 / Math.max(1, perSecond);
  let i = 0;
  while (running) {
    const start = Date.now();
    i++;
    const req = i % 3 === 0
      ? fetch(`${base}/api/tickets`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"category":' })
      // Guesses at the very account the normal client signs in with, from an address of its own: the limits stop this
      // address, not duty staff elsewhere (README › Limits).
      : fetch(`${base}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-forwarded-for': '203.0.113.66' }, body: JSON.stringify({ username: i % 2 ? 'duty' : `guess${i}`, password: `wrong-${i}` }) });
    httpSent++;
    req.then((r) => { count(`http:${r.status}`); return r.arrayBuffer(); }).catch(() => count('http:error'));
    await new Promise((r) => setTimeout(r, Math.max(0, interval - (Date.now() - start))));
  }
}

serve({
  async start({ url, displayToken, sockets: n, socketRate, httpRate }: { url: string; displayToken: string; sockets: number; socketRate: number; httpRate: number }) {
    answers.clear(); sent = 0; httpSent = 0;
    sockets = Array.from({ length: n }, () => io(url, { transports: ['websocket'], forceNew: true, reconnection: true, auth: { displayToken } }) as Raw);
    for (const s of sockets) {
      s.on('disconnect', (reason) => {
        count(`disconnect:${reason}`);
        // Cut off by the server: an attacker comes straight back (each handshake costs the server a snapshot).
        if (running && reason === 'io server disconnect') setTimeout(() => { if (running) s.connect(); }, 50);
      });
      s.on('connect_error', (err) => count(`refused:${err.message.split(':')[0]}`));
    }
    await Promise.all(sockets.map((s) => new Promise<void>((r) => { if (s.connected) r(); else s.once('connect', () => r()); setTimeout(r, 5000); })));
    running = true;
    void socketLoop(socketRate);
    if (httpRate > 0) void httpLoop(url, httpRate);
    return { connected: sockets.filter((s) => s.connected).length };
  },
  async stop() {
    running = false;
    await new Promise((r) => setTimeout(r, 300));
    for (const s of sockets) s.close();
    sockets = [];
    return { sent, httpSent, answers: Object.fromEntries(answers) };
  },
});
