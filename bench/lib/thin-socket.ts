// A phone for the load generator: the Socket.IO v5 / Engine.IO v4 protocol spoken directly over one WebSocket,
// just the frames a reporting phone exchanges (connect, ping/pong, events with acks). The server sees exactly the
// frames socket.io-client would send; the generator spends a fraction of its CPU, leaving the cores to the server.
import WebSocket from 'ws';

type AckFn = (res: unknown) => void;

export class ThinSocket {
  connected = false;
  private ws: WebSocket;
  private nextId = 0;
  private acks = new Map<number, AckFn>();
  private listeners = new Map<string, Array<(payload: unknown) => void>>();

  constructor(url: string, headers: Record<string, string>) {
    const u = new URL('/socket.io/?EIO=4&transport=websocket', url.replace(/^http/, 'ws'));
    this.ws = new WebSocket(u, { headers });
    this.ws.on('message', (data, isBinary) => { if (!isBinary) this.frame(String(data)); });
    this.ws.on('close', () => this.closed());
    this.ws.on('error', () => this.closed());
  }

  /** First event of a kind, or 'connect' / 'disconnect' / 'connect_error'. */
  on(event: string, fn: (payload: unknown) => void): void {
    (this.listeners.get(event) ?? this.listeners.set(event, []).get(event)!).push(fn);
  }

  emit(event: string, payload: unknown, ack: AckFn): void {
    if (!this.connected) return;
    const id = this.nextId++;
    this.acks.set(id, ack);
    this.ws.send(`42${id}${JSON.stringify([event, payload])}`);
  }

  close(): void { this.ws.close(); }

  private fire(event: string, payload?: unknown) { for (const fn of this.listeners.get(event) ?? []) fn(payload); }

  private closed() {
    const was = this.connected;
    this.connected = false;
    this.acks.clear();
    this.fire(was ? 'disconnect' : 'connect_error');
  }

  private frame(f: string) {
    switch (f[0]) {
      case '0': this.ws.send('40'); return; // engine.io open → socket.io connect to "/"
      case '2': this.ws.send('3'); return; // ping → pong
      case '4': break;
      default: return;
    }
    // Socket.IO packet types: 0 CONNECT, 2 EVENT, 3 ACK, 4 CONNECT_ERROR, 5 BINARY_EVENT (attachments ignored).
    const type = f[1];
    if (type === '0') { this.connected = true; this.fire('connect'); return; }
    if (type === '4') { this.fire('connect_error', JSON.parse(f.slice(2))); this.ws.close(); return; }
    if (type === '3') {
      const open = f.indexOf('[');
      const ack = this.acks.get(Number(f.slice(2, open)));
      if (!ack) return;
      this.acks.delete(Number(f.slice(2, open)));
      ack((JSON.parse(f.slice(open)) as unknown[])[0]);
      return;
    }
    if (type === '2') {
      // Parsed only when someone listens: a phone's deltas are not what the generator measures.
      const m = /^42\d*\["([^"]+)"/.exec(f);
      if (!m || !this.listeners.has(m[1])) return;
      this.fire(m[1], (JSON.parse(f.slice(f.indexOf('['))) as unknown[])[1]);
    }
  }
}
