// The outbox as runes: what is still waiting to be sent, a send loop with backoff, and a kick when the network returns.
import { backoffMs, classify, loadItems, nextItem, saveItems, sendItem, type OutboxItem } from './outbox.ts';

function storage(): Storage | null {
  try { return window.localStorage; } catch { return null; }
}

export class Outbox {
  items = $state<OutboxItem[]>([]);
  /** False when the browser could not store the queue (full or disabled): it then only survives while the page is open. */
  persisted = $state(true);
  /** When the head of the queue will be tried again (epoch ms), for "retrying in 8 s". */
  nextTry = $state<number | null>(null);

  private running = false;
  private again = false;
  private timer: ReturnType<typeof setTimeout> | null = null;
  private readonly onOnline = () => this.retryNow();

  constructor(private readonly storageKey: string, private readonly onSent: (item: OutboxItem) => void = () => {}) {
    this.items = loadItems(storage(), storageKey);
    window.addEventListener('online', this.onOnline);
    this.kick();
  }

  add(item: Omit<OutboxItem, 'createdAt' | 'attempts' | 'nextAt' | 'state' | 'error'>): void {
    this.items.push({ ...item, createdAt: Date.now(), attempts: 0, nextAt: 0, state: 'waiting', error: null });
    this.save();
    this.kick();
  }

  /** Tries the waiting items at once (the network came back, or the user asked). */
  retryNow(): void {
    for (const i of this.items) if (i.state === 'waiting') i.nextAt = 0;
    this.kick();
  }

  /** Forgets an item the server refused, once the responder has read why. */
  dismiss(key: string): void {
    this.items = this.items.filter((i) => i.key !== key);
    this.save();
  }

  destroy(): void {
    window.removeEventListener('online', this.onOnline);
    if (this.timer) clearTimeout(this.timer);
  }

  kick(): void {
    if (this.running) { this.again = true; return; }
    this.running = true;
    void this.loop().finally(() => {
      this.running = false;
      if (this.again) { this.again = false; this.kick(); }
    });
  }

  private async loop(): Promise<void> {
    if (this.timer) { clearTimeout(this.timer); this.timer = null; }
    for (;;) {
      const head = nextItem(this.items);
      if (!head) { this.nextTry = null; return; }
      const wait = head.nextAt - Date.now();
      if (wait > 0) { this.schedule(wait, head.nextAt); return; }
      head.state = 'sending';
      this.nextTry = null;
      const res = await sendItem($state.snapshot(head) as OutboxItem);
      const outcome = classify(res.status);
      if (outcome === 'done') {
        this.items = this.items.filter((i) => i.key !== head.key);
        this.save();
        this.onSent(head);
        continue;
      }
      head.attempts++;
      head.error = res.message;
      head.httpStatus = res.status;
      if (outcome === 'fail') {
        head.state = 'failed';
        this.save();
        continue;
      }
      head.state = 'waiting';
      head.nextAt = Date.now() + backoffMs(head.attempts);
      this.save();
    }
  }

  private schedule(ms: number, at: number): void {
    this.nextTry = at;
    this.timer = setTimeout(() => this.kick(), ms);
  }

  private save(): void {
    this.persisted = saveItems(storage(), this.storageKey, $state.snapshot(this.items) as OutboxItem[]);
  }
}
