/**
 * Median filtering along one axis of a row-major [rows][cols] float64 matrix, as
 * `scipy.ndimage.median_filter(x, size=(1, k) or (k, 1), mode='reflect')` computes it for librosa.decompose.hpss:
 * HPSS spends most of its time here (two 31-wide medians over a 1025 x N spectrogram).
 *
 * Each line keeps its window in a sorted array, and for every window slot (input index mod k) the position its value
 * holds there. Sliding by one sample overwrites the outgoing value's entry, found through that table, with the
 * incoming one and restores the order by shifting the entries between its old and new rank (keeping the table in
 * step): no search, and a shift as long as the rank moves, which on a spectrogram's smooth lines is short. No
 * allocation per line.
 *
 * Edges follow scipy's 'reflect' mode (`d c b a | a b c d | d c b a`: the edge sample is repeated), which for windows
 * longer than the line keeps reflecting, i.e. index i maps through a period of 2n. Window placement and rank follow
 * scipy's rank filter with origin 0: the window of output i spans inputs i - floor(k/2) .. i - floor(k/2) + k - 1 and
 * the result is the element of rank floor(k/2) (the true median for odd k).
 *
 * Inputs must be finite (NaN breaks the ordering; spectrogram magnitudes never contain it).
 */

/** Which axis the window slides along: 1 = along each row (librosa's time axis), 0 = along each column (frequency). */
export type MedianAxis = 0 | 1;

/** scipy.ndimage 'reflect' extension: map any integer index onto 0..n-1 (period 2n, edge sample repeated). */
export function reflectIndex(i: number, n: number): number {
  if (n === 1) return 0;
  const period = 2 * n;
  let m = i % period;
  if (m < 0) m += period;
  return m < n ? m : period - 1 - m;
}

/** Reusable sliding-window median over lines of one length; holds its scratch buffers. */
export class SlidingMedian {
  readonly size: number;
  private readonly before: number;
  /** The window's values, ascending. */
  private readonly sorted: Float64Array;
  /** slotAt[p]: the window slot (input index mod size) whose value sits at sorted position p. */
  private readonly slotAt: Int32Array;
  /** positionOf[s]: the sorted position of slot s's value (the inverse of slotAt). */
  private readonly positionOf: Int32Array;
  private padded: Float64Array;

  constructor(size: number) {
    if (!Number.isInteger(size) || size < 1) throw new RangeError(`median size must be a positive integer, got ${size}`);
    this.size = size;
    this.before = Math.floor(size / 2);
    this.sorted = new Float64Array(size);
    this.slotAt = new Int32Array(size);
    this.positionOf = new Int32Array(size);
    this.padded = new Float64Array(0);
  }

  /**
   * Median-filter `n` samples read from `src[srcOffset + j * srcStride]`, writing `dst[dstOffset + j * dstStride]`.
   * Strides let the same code walk rows (stride 1) or columns (stride = cols) without transposing.
   */
  run(
    src: Float64Array,
    srcOffset: number,
    srcStride: number,
    n: number,
    dst: Float64Array,
    dstOffset: number,
    dstStride: number,
  ): void {
    const k = this.size;
    if (n <= 0) return;
    if (k === 1) {
      for (let j = 0; j < n; j++) dst[dstOffset + j * dstStride] = src[srcOffset + j * srcStride]!;
      return;
    }
    const total = n + k - 1;
    if (this.padded.length < total) this.padded = new Float64Array(total);
    const padded = this.padded;
    const before = this.before;
    // Gather the line with its reflected margins once, so the slide below reads contiguous memory; the margins are
    // short, so only they go through reflectIndex.
    const head = Math.min(before, total);
    for (let j = 0; j < head; j++) padded[j] = src[srcOffset + reflectIndex(j - before, n) * srcStride]!;
    const body = Math.min(n, total - head);
    for (let j = 0; j < body; j++) padded[head + j] = src[srcOffset + j * srcStride]!;
    for (let j = head + body; j < total; j++) padded[j] = src[srcOffset + reflectIndex(j - before, n) * srcStride]!;

    this.fill(padded);
    const w = this.sorted;
    const slotAt = this.slotAt;
    const positionOf = this.positionOf;
    const rank = before;
    dst[dstOffset] = w[rank]!;

    let slot = 0; // the slot of padded[i - 1], the outgoing value
    for (let i = 1; i < n; i++) {
      const incoming = padded[i + k - 1]!;
      let p = positionOf[slot]!;
      // Put `incoming` where the outgoing value was and shift the neighbours over until the order holds again.
      if (incoming > w[p]!) {
        while (p + 1 < k && w[p + 1]! < incoming) {
          const moved = slotAt[p + 1]!;
          w[p] = w[p + 1]!;
          slotAt[p] = moved;
          positionOf[moved] = p;
          p++;
        }
      } else {
        while (p > 0 && w[p - 1]! > incoming) {
          const moved = slotAt[p - 1]!;
          w[p] = w[p - 1]!;
          slotAt[p] = moved;
          positionOf[moved] = p;
          p--;
        }
      }
      w[p] = incoming;
      slotAt[p] = slot;
      positionOf[slot] = p;
      dst[dstOffset + i * dstStride] = w[rank]!;
      slot = slot + 1 === k ? 0 : slot + 1;
    }
  }

  /** Sort the first window (slots 0..k-1 = padded[0..k-1]) by insertion, recording where each slot lands. */
  private fill(padded: Float64Array): void {
    const k = this.size;
    const w = this.sorted;
    const slotAt = this.slotAt;
    for (let s = 0; s < k; s++) {
      const v = padded[s]!;
      let p = s;
      while (p > 0 && w[p - 1]! > v) {
        w[p] = w[p - 1]!;
        slotAt[p] = slotAt[p - 1]!;
        p--;
      }
      w[p] = v;
      slotAt[p] = s;
    }
    for (let p = 0; p < k; p++) this.positionOf[slotAt[p]!] = p;
  }
}

/**
 * Median filter of a row-major [rows][cols] matrix along `axis` with window `size`, scipy 'reflect' edges.
 * Writes into `out` (allocated when omitted; must not alias `x`).
 */
export function medianFilter(
  x: Float64Array,
  rows: number,
  cols: number,
  size: number,
  axis: MedianAxis,
  out: Float64Array = new Float64Array(rows * cols),
): Float64Array {
  if (x.length < rows * cols) throw new RangeError(`matrix has ${x.length} values, expected ${rows} x ${cols}`);
  if (out === x) throw new RangeError('medianFilter cannot work in place');
  const filter = new SlidingMedian(size);
  if (axis === 1) {
    for (let r = 0; r < rows; r++) filter.run(x, r * cols, 1, cols, out, r * cols, 1);
  } else {
    for (let c = 0; c < cols; c++) filter.run(x, c, cols, rows, out, c, cols);
  }
  return out;
}
