/**
 * A Map that forgets its least recently used entries beyond a limit: analyses hold spectrogram arrays, and browsing a
 * corpus of thousands of files must not keep every one of them.
 */
export class LruMap<K, V> {
  readonly limit: number;
  readonly #map = new Map<K, V>();

  constructor(limit: number) {
    this.limit = Math.max(1, limit);
  }

  get size(): number {
    return this.#map.size;
  }

  has(key: K): boolean {
    return this.#map.has(key);
  }

  get(key: K): V | undefined {
    const value = this.#map.get(key);
    if (value !== undefined) {
      // Map keeps insertion order: re-inserting makes the entry the most recent.
      this.#map.delete(key);
      this.#map.set(key, value);
    }
    return value;
  }

  set(key: K, value: V): this {
    this.#map.delete(key);
    this.#map.set(key, value);
    while (this.#map.size > this.limit) this.#map.delete(this.#map.keys().next().value as K);
    return this;
  }
}
