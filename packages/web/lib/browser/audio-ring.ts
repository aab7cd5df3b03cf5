/** The last `capacity` samples of a stream, in constant memory however long the stream runs. */
export class AudioRing {
  readonly capacity: number;
  readonly #data: Float32Array;
  /** Where the next sample goes. */
  #head = 0;
  #length = 0;

  constructor(capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 1) throw new RangeError(`capacity must be a positive integer, got ${capacity}`);
    this.capacity = capacity;
    this.#data = new Float32Array(capacity);
  }

  /** Samples held (at most `capacity`). */
  get length(): number {
    return this.#length;
  }

  push(samples: Float32Array): void {
    // A chunk longer than the ring only leaves its own end.
    const src = samples.length > this.capacity ? samples.subarray(samples.length - this.capacity) : samples;
    const first = Math.min(src.length, this.capacity - this.#head);
    this.#data.set(src.subarray(0, first), this.#head);
    this.#data.set(src.subarray(first), 0);
    this.#head = (this.#head + src.length) % this.capacity;
    this.#length = Math.min(this.capacity, this.#length + src.length);
  }

  /** A copy of the samples held, oldest first. */
  snapshot(): Float32Array {
    const out = new Float32Array(this.#length);
    const start = (this.#head - this.#length + this.capacity) % this.capacity;
    const first = Math.min(this.#length, this.capacity - start);
    out.set(this.#data.subarray(start, start + first));
    out.set(this.#data.subarray(0, this.#length - first), first);
    return out;
  }

  clear(): void {
    this.#head = 0;
    this.#length = 0;
  }
}
