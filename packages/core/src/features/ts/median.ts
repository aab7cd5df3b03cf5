/**
 * Median filtering along one axis of a row-major [rows][cols] float64 matrix, as
 * `scipy.ndimage.median_filter(x, size=(1, k) or (k, 1), mode='reflect')` computes it for librosa.decompose.hpss:
 * HPSS spends most of its time here (two 31-wide medians over a 1025 x N spectrogram).
 *
 * Each line keeps its window in a sorted array; sliding by one sample removes the outgoing value and inserts the
 * incoming one in a single shift pass, so a step costs O(log k) to find the outgoing value plus a shift proportional
 * to how far the rank moves (typically much less than k). No allocation per line.
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
  private readonly window: Float64Array;
  private padded: Float64Array;

  constructor(size: number) {
    if (!Number.isInteger(size) || size < 1) throw new RangeError(`median size must be a positive integer, got ${size}`);
    this.size = size;
    this.before = Math.floor(size / 2);
    this.window = new Float64Array(size);
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
    // Gather the line with its reflected margins once, so the slide below reads contiguous memory.
    for (let j = 0; j < total; j++) padded[j] = src[srcOffset + reflectIndex(j - before, n) * srcStride]!;

    const w = this.window;
    for (let j = 0; j < k; j++) w[j] = padded[j]!;
    w.sort();
    const rank = before;
    dst[dstOffset] = w[rank]!;

    for (let i = 1; i < n; i++) {
      const outgoing = padded[i - 1]!;
      const incoming = padded[i + k - 1]!;
      // Lower bound of the outgoing value: it is present, so w[p] === outgoing.
      let lo = 0;
      let hi = k - 1;
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        if (w[mid]! < outgoing) lo = mid + 1;
        else hi = mid;
      }
      let p = lo;
      // Replace w[p] by `incoming` and restore the order by shifting neighbours over the freed slot.
      if (incoming > outgoing) {
        while (p + 1 < k && w[p + 1]! < incoming) {
          w[p] = w[p + 1]!;
          p++;
        }
      } else {
        while (p > 0 && w[p - 1]! > incoming) {
          w[p] = w[p - 1]!;
          p--;
        }
      }
      w[p] = incoming;
      dst[dstOffset + i * dstStride] = w[rank]!;
    }
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
