// A keyed live table (tickets, responders, offers) with one reactive signal for the whole table.
// SvelteMap keeps a signal per key, and every view that iterates it (counts, the breach list, the map layers) then
// depends on each of them: 10,000 responders meant 10,000 signals made on every snapshot and 10,000 dependencies
// tracked again on every clock tick. Screens read these tables whole, so one version number is all they need.
export class LiveTable<K, V> extends Map<K, V> {
  // Read by every read method (Svelte counts one dependency per reader however often it reads), written by every write.
  #version = $state(0);
  #writes = 0;
  #held = false;
  #changedWhileHeld = false;

  /**
   * Runs `fn` (a snapshot replacing thousands of entries) with change notices held, then gives one per table that
   * changed: each notice walks every view that depends on the table.
   */
  static batch<T>(tables: LiveTable<unknown, unknown>[], fn: () => T): T {
    for (const t of tables) t.#held = true;
    try {
      return fn();
    } finally {
      for (const t of tables) {
        t.#held = false;
        if (t.#changedWhileHeld) { t.#changedWhileHeld = false; t.#changed(); }
      }
    }
  }

  override get(key: K): V | undefined { void this.#version; return super.get(key); }
  override has(key: K): boolean { void this.#version; return super.has(key); }
  override get size(): number { void this.#version; return super.size; }
  override keys(): MapIterator<K> { void this.#version; return super.keys(); }
  override values(): MapIterator<V> { void this.#version; return super.values(); }
  override entries(): MapIterator<[K, V]> { void this.#version; return super.entries(); }
  override [Symbol.iterator](): MapIterator<[K, V]> { return this.entries(); }
  override forEach(fn: (value: V, key: K, map: Map<K, V>) => void, thisArg?: unknown): void { void this.#version; super.forEach(fn, thisArg); }

  override set(key: K, value: V): this {
    super.set(key, value);
    this.#changed();
    return this;
  }

  override delete(key: K): boolean {
    const had = super.delete(key);
    if (had) this.#changed();
    return had;
  }

  override clear(): void {
    if (super.size === 0) return;
    super.clear();
    this.#changed();
  }

  #changed(): void {
    if (this.#held) { this.#changedWhileHeld = true; return; }
    // A write must not read the signal, or the effect doing the write would come to depend on it.
    this.#version = ++this.#writes;
  }
}
