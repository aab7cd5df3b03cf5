/**
 * Our own FFT for any length n >= 1: iterative radix-2 for powers of two (stages run in pairs, radix-2^2, to halve
 * the passes over the data), Bluestein's chirp-z (built on the radix-2 engine) for every other length. Twiddles and
 * scratch buffers are made once per size, so a transform allocates nothing. Real transforms of even length run as one
 * complex transform of half the length (even samples in the real part, odd samples in the imaginary part), which
 * halves the work of every STFT frame.
 */

const TWO_PI = 2 * Math.PI;

function isPowerOfTwo(n: number): boolean {
  return n > 0 && (n & (n - 1)) === 0;
}

/** A complex forward transform of one fixed length, in place. */
interface ComplexTransform {
  readonly n: number;
  forward(re: Float64Array, im: Float64Array): void;
}

/** Iterative in-place radix-2 decimation in time: a bit-reversal permutation, then the butterflies. */
class Radix2 implements ComplexTransform {
  readonly n: number;
  /** cos / sin of 2*pi*k/n for k < n/2, each from its own Math.cos call (no accumulated rotation error). */
  readonly #cos: Float64Array;
  readonly #sin: Float64Array;
  readonly #reversed: Uint32Array;

  constructor(n: number) {
    if (!isPowerOfTwo(n)) throw new RangeError(`radix-2 FFT length must be a power of two, got ${n}`);
    this.n = n;
    const half = n >> 1;
    this.#cos = new Float64Array(half);
    this.#sin = new Float64Array(half);
    for (let k = 0; k < half; k++) {
      const angle = (TWO_PI * k) / n;
      this.#cos[k] = Math.cos(angle);
      this.#sin[k] = Math.sin(angle);
    }
    const bits = Math.log2(n);
    this.#reversed = new Uint32Array(n);
    for (let i = 0; i < n; i++) {
      let r = 0;
      for (let b = 0, x = i; b < bits; b++, x >>= 1) r = (r << 1) | (x & 1);
      this.#reversed[i] = r;
    }
  }

  /** Bit-reversal table: input j belongs at position reversed[j] before the butterflies. */
  get reversed(): Uint32Array {
    return this.#reversed;
  }

  forward(re: Float64Array, im: Float64Array): void {
    this.#permute(re, im);
    this.butterflies(re, im);
  }

  #permute(re: Float64Array, im: Float64Array): void {
    const n = this.n;
    const rev = this.#reversed;
    for (let i = 0; i < n; i++) {
      const j = rev[i]!;
      if (j > i) {
        const tr = re[i]!;
        re[i] = re[j]!;
        re[j] = tr;
        const ti = im[i]!;
        im[i] = im[j]!;
        im[j] = ti;
      }
    }
  }

  /** The transform of input already in bit-reversed order. */
  butterflies(re: Float64Array, im: Float64Array): void {
    const n = this.n;
    const cos = this.#cos;
    const sin = this.#sin;
    // Radix-2 stages run in pairs (radix-2^2): stage L then stage 2L on four points at once, so the data is read and
    // written half as often. An odd number of stages starts with one plain size-2 stage (twiddle 1).
    let q = 1; // a pair with quarter q does the stages of size 2q and 4q
    if (Math.log2(n) % 2 === 1) {
      for (let a = 0; a < n; a += 2) {
        const r0 = re[a]!;
        const i0 = im[a]!;
        const r1 = re[a + 1]!;
        const i1 = im[a + 1]!;
        re[a] = r0 + r1;
        im[a] = i0 + i1;
        re[a + 1] = r0 - r1;
        im[a + 1] = i0 - i1;
      }
      q = 2;
    } else if (n >= 4) {
      // the first pair (stages 2 and 4) has twiddles 1 and -i only: no multiplications
      for (let a = 0; a < n; a += 4) {
        const r0 = re[a]!;
        const i0 = im[a]!;
        const r1 = re[a + 1]!;
        const i1 = im[a + 1]!;
        const r2 = re[a + 2]!;
        const i2 = im[a + 2]!;
        const r3 = re[a + 3]!;
        const i3 = im[a + 3]!;
        const s0r = r0 + r1;
        const s0i = i0 + i1;
        const d0r = r0 - r1;
        const d0i = i0 - i1;
        const s1r = r2 + r3;
        const s1i = i2 + i3;
        const d1r = r2 - r3;
        const d1i = i2 - i3;
        re[a] = s0r + s1r;
        im[a] = s0i + s1i;
        re[a + 2] = s0r - s1r;
        im[a + 2] = s0i - s1i;
        // -i * (d1r + i d1i) = d1i - i d1r
        re[a + 1] = d0r + d1i;
        im[a + 1] = d0i - d1r;
        re[a + 3] = d0r - d1i;
        im[a + 3] = d0i + d1r;
      }
      q = 4;
    }
    for (; 4 * q <= n; q *= 4) {
      const span = 4 * q;
      const step1 = n / (2 * q); // twiddle index step of stage 2q: exp(-2 pi i j / 2q)
      const step2 = n / span; // and of stage 4q: exp(-2 pi i j / 4q)
      for (let j = 0; j < q; j++) {
        const w1r = cos[j * step1]!;
        const w1i = -sin[j * step1]!;
        const w2r = cos[j * step2]!;
        const w2i = -sin[j * step2]!;
        for (let a0 = j; a0 < n; a0 += span) {
          const a1 = a0 + q;
          const a2 = a1 + q;
          const a3 = a2 + q;
          // stage 2q: (x0, x1) and (x2, x3), both with w1
          const x0r = re[a0]!;
          const x0i = im[a0]!;
          const x2r = re[a2]!;
          const x2i = im[a2]!;
          let tr = re[a1]!;
          let ti = im[a1]!;
          const p1r = tr * w1r - ti * w1i;
          const p1i = tr * w1i + ti * w1r;
          tr = re[a3]!;
          ti = im[a3]!;
          const p3r = tr * w1r - ti * w1i;
          const p3i = tr * w1i + ti * w1r;
          const b0r = x0r + p1r;
          const b0i = x0i + p1i;
          const b1r = x0r - p1r;
          const b1i = x0i - p1i;
          const b2r = x2r + p3r;
          const b2i = x2i + p3i;
          const b3r = x2r - p3r;
          const b3i = x2i - p3i;
          // stage 4q: (b0, b2) with w2, (b1, b3) with w2 * exp(-i pi / 2) = -i w2
          const c2r = b2r * w2r - b2i * w2i;
          const c2i = b2r * w2i + b2i * w2r;
          const c3r = b3r * w2i + b3i * w2r; // (-i w2) b3 = -i (w2 b3)
          const c3i = -(b3r * w2r - b3i * w2i);
          re[a0] = b0r + c2r;
          im[a0] = b0i + c2i;
          re[a2] = b0r - c2r;
          im[a2] = b0i - c2i;
          re[a1] = b1r + c3r;
          im[a1] = b1i + c3i;
          re[a3] = b1r - c3r;
          im[a3] = b1i - c3i;
        }
      }
    }
  }
}

/**
 * Bluestein's chirp-z: X[k] = w[k] * sum_j (x[j] w[j]) conj(w[k - j]) with w[k] = exp(-i*pi*k^2/n), a linear
 * convolution done as a cyclic one of power-of-two length m >= 2n - 1 on the radix-2 engine.
 */
class Bluestein implements ComplexTransform {
  readonly n: number;
  readonly #inner: Radix2;
  readonly #chirpRe: Float64Array;
  readonly #chirpIm: Float64Array;
  /** FFT of the conjugate chirp filter, already divided by m (the inverse transform's scale). */
  readonly #filterRe: Float64Array;
  readonly #filterIm: Float64Array;
  readonly #workRe: Float64Array;
  readonly #workIm: Float64Array;

  constructor(n: number) {
    this.n = n;
    let m = 1;
    while (m < 2 * n - 1) m <<= 1;
    this.#inner = new Radix2(m);
    this.#chirpRe = new Float64Array(n);
    this.#chirpIm = new Float64Array(n);
    const twoN = 2 * n;
    for (let k = 0; k < n; k++) {
      // k^2 mod 2n keeps the angle small and exact (k^2 < 2^53 for every n we accept)
      const angle = (Math.PI * ((k * k) % twoN)) / n;
      this.#chirpRe[k] = Math.cos(angle);
      this.#chirpIm[k] = -Math.sin(angle);
    }
    this.#filterRe = new Float64Array(m);
    this.#filterIm = new Float64Array(m);
    this.#filterRe[0] = this.#chirpRe[0]!;
    this.#filterIm[0] = -this.#chirpIm[0]!;
    for (let k = 1; k < n; k++) {
      const r = this.#chirpRe[k]!;
      const i = -this.#chirpIm[k]!;
      this.#filterRe[k] = r;
      this.#filterIm[k] = i;
      this.#filterRe[m - k] = r;
      this.#filterIm[m - k] = i;
    }
    this.#inner.forward(this.#filterRe, this.#filterIm);
    for (let k = 0; k < m; k++) {
      this.#filterRe[k] = this.#filterRe[k]! / m;
      this.#filterIm[k] = this.#filterIm[k]! / m;
    }
    this.#workRe = new Float64Array(m);
    this.#workIm = new Float64Array(m);
  }

  forward(re: Float64Array, im: Float64Array): void {
    const n = this.n;
    const m = this.#inner.n;
    const wr = this.#workRe;
    const wi = this.#workIm;
    const cr = this.#chirpRe;
    const ci = this.#chirpIm;
    for (let k = 0; k < n; k++) {
      const xr = re[k]!;
      const xi = im[k]!;
      wr[k] = xr * cr[k]! - xi * ci[k]!;
      wi[k] = xr * ci[k]! + xi * cr[k]!;
    }
    wr.fill(0, n);
    wi.fill(0, n);
    this.#inner.forward(wr, wi);
    // multiply by the filter spectrum, conjugated so the inverse FFT becomes a forward one: ifft(Z) = conj(fft(conj(Z)))
    const fr = this.#filterRe;
    const fi = this.#filterIm;
    for (let k = 0; k < m; k++) {
      const ar = wr[k]!;
      const ai = wi[k]!;
      const br = fr[k]!;
      const bi = fi[k]!;
      wr[k] = ar * br - ai * bi;
      wi[k] = -(ar * bi + ai * br);
    }
    this.#inner.forward(wr, wi);
    for (let k = 0; k < n; k++) {
      const yr = wr[k]!;
      const yi = -wi[k]!;
      re[k] = yr * cr[k]! - yi * ci[k]!;
      im[k] = yr * ci[k]! + yi * cr[k]!;
    }
  }
}

function complexTransform(n: number): ComplexTransform {
  return isPowerOfTwo(n) ? new Radix2(n) : new Bluestein(n);
}

/** FFT of one length n >= 1; every method reuses the instance's scratch buffers (not re-entrant, not shared). */
export class Fft {
  readonly n: number;
  /** Half-length complex engine for even-n real transforms. */
  readonly #half: ComplexTransform | null;
  /** exp(-2*pi*i*k/n) for k <= n/2, to split / merge the half-length transform (even n only). */
  readonly #splitCos: Float64Array;
  readonly #splitSin: Float64Array;
  #full: ComplexTransform | null = null;
  /** Frame buffer of realForwardWindowed when the half-length transform is not a radix-2 one. */
  #frame: Float64Array | null = null;
  readonly #scratchRe: Float64Array;
  readonly #scratchIm: Float64Array;

  constructor(n: number) {
    if (!Number.isInteger(n) || n < 1) throw new RangeError(`FFT length must be an integer >= 1, got ${n}`);
    if (n > 1 << 26) throw new RangeError(`FFT length must be at most 2^26, got ${n}`);
    this.n = n;
    const even = n % 2 === 0;
    const h = even ? n / 2 : 0;
    this.#half = even ? complexTransform(h) : null;
    this.#splitCos = new Float64Array(even ? h + 1 : 0);
    this.#splitSin = new Float64Array(even ? h + 1 : 0);
    for (let k = 0; k <= h && even; k++) {
      const angle = (TWO_PI * k) / n;
      this.#splitCos[k] = Math.cos(angle);
      this.#splitSin[k] = Math.sin(angle);
    }
    this.#scratchRe = new Float64Array(even ? h : n);
    this.#scratchIm = new Float64Array(even ? h : n);
  }

  /** The length-n complex engine, made on first use (real transforms of even n never need it). */
  #fullTransform(): ComplexTransform {
    this.#full ??= complexTransform(this.n);
    return this.#full;
  }

  /** Complex in-place forward transform of length n: X[k] = sum_j x[j] exp(-2*pi*i*j*k/n) (numpy.fft.fft). */
  complexForward(re: Float64Array, im: Float64Array): void {
    if (this.n > 1) this.#fullTransform().forward(re, im);
  }

  /** Real input x (length n) -> bins 0..floor(n/2) into re / im (numpy.fft.rfft, unscaled). */
  realForward(x: Float64Array, re: Float64Array, im: Float64Array): void {
    const n = this.n;
    const zr = this.#scratchRe;
    const zi = this.#scratchIm;
    if (this.#half === null) {
      // odd n: the full complex transform of x + 0i, keeping the non-redundant half
      for (let j = 0; j < n; j++) {
        zr[j] = x[j]!;
        zi[j] = 0;
      }
      this.complexForward(zr, zi);
      for (let k = 0; k <= n >> 1; k++) {
        re[k] = zr[k]!;
        im[k] = zi[k]!;
      }
      return;
    }
    const h = n >> 1;
    for (let j = 0; j < h; j++) {
      zr[j] = x[2 * j]!;
      zi[j] = x[2 * j + 1]!;
    }
    this.#half.forward(zr, zi);
    this.#splitHalf(re, im, 0);
  }

  /**
   * realForward of a windowed slice of a longer signal: x[j] = window[j] * y[offset + j], zero where offset + j falls
   * outside y (the STFT's centre padding), window.length === n; bins go to re / im from index `at` on, so a whole
   * spectrogram can be filled frame by frame without copies. A null window is a rectangular one (all ones). For
   * power-of-two halves the samples go straight to their bit-reversed places, so no frame buffer, packing or
   * permutation pass is needed.
   */
  realForwardWindowed(
    y: Float32Array,
    offset: number,
    window: Float64Array | null,
    re: Float64Array,
    im: Float64Array,
    at = 0,
  ): void {
    const n = this.n;
    if (window !== null && window.length !== n) throw new RangeError(`window length ${window.length} differs from the FFT length ${n}`);
    const from = Math.max(0, -offset);
    const to = Math.min(n, y.length - offset);
    const half = this.#half;
    if (!(half instanceof Radix2)) {
      this.#frame ??= new Float64Array(n);
      const x = this.#frame;
      x.fill(0);
      for (let j = from; j < to; j++) x[j] = (window === null ? 1 : window[j]!) * y[offset + j]!;
      this.#realForwardAt(x, re, im, at);
      return;
    }
    const zr = this.#scratchRe;
    const zi = this.#scratchIm;
    const rev = half.reversed;
    if (from > 0 || to < n) {
      zr.fill(0);
      zi.fill(0);
    }
    // even samples to the real part, odd ones to the imaginary part, both at their bit-reversed place; the common
    // case (whole pairs) runs without a parity test per sample
    const pairs = (from & 1) === 0 && (to & 1) === 0;
    if (window === null && pairs) {
      for (let j = from; j < to; j += 2) {
        const r = rev[j >> 1]!;
        zr[r] = y[offset + j]!;
        zi[r] = y[offset + j + 1]!;
      }
    } else if (window === null) {
      for (let j = from; j < to; j++) {
        const v = y[offset + j]!;
        const r = rev[j >> 1]!;
        if ((j & 1) === 0) zr[r] = v;
        else zi[r] = v;
      }
    } else if (pairs) {
      for (let j = from; j < to; j += 2) {
        const r = rev[j >> 1]!;
        zr[r] = window[j]! * y[offset + j]!;
        zi[r] = window[j + 1]! * y[offset + j + 1]!;
      }
    } else {
      for (let j = from; j < to; j++) {
        const v = window[j]! * y[offset + j]!;
        const r = rev[j >> 1]!;
        if ((j & 1) === 0) zr[r] = v;
        else zi[r] = v;
      }
    }
    half.butterflies(zr, zi);
    this.#splitHalf(re, im, at);
  }

  /** realForward with the bins written from index `at` on. */
  #realForwardAt(x: Float64Array, re: Float64Array, im: Float64Array, at: number): void {
    if (at === 0) {
      this.realForward(x, re, im);
      return;
    }
    const bins = (this.n >> 1) + 1;
    this.realForward(x, re.subarray(at, at + bins), im.subarray(at, at + bins));
  }

  /** Turns the half-length transform Z (in the scratch buffers) of an even-n real signal into its bins 0..n/2. */
  #splitHalf(re: Float64Array, im: Float64Array, at = 0): void {
    const h = this.n >> 1;
    const zr = this.#scratchRe;
    const zi = this.#scratchIm;
    // X[k] = E[k] + W^k O[k], E = (Z[k] + conj Z[h-k]) / 2, O = (Z[k] - conj Z[h-k]) / 2i, W = exp(-2*pi*i/n);
    // k = 0 and k = h both pair Z[0] with itself: X[0] = Re Z0 + Im Z0, X[h] = Re Z0 - Im Z0.
    const c = this.#splitCos;
    const s = this.#splitSin;
    const z0r = zr[0]!;
    const z0i = zi[0]!;
    re[at] = z0r + z0i;
    im[at] = 0;
    re[at + h] = z0r - z0i;
    im[at + h] = 0;
    for (let k = 1; k < h; k++) {
      const ar = zr[k]!;
      const ai = zi[k]!;
      const br = zr[h - k]!;
      const bi = -zi[h - k]!;
      const er = 0.5 * (ar + br);
      const ei = 0.5 * (ai + bi);
      const or = 0.5 * (ai - bi);
      const oi = -0.5 * (ar - br);
      const wr = c[k]!;
      const wi = -s[k]!;
      re[at + k] = er + (or * wr - oi * wi);
      im[at + k] = ei + (or * wi + oi * wr);
    }
  }

  /**
   * Inverse of realForward: bins 0..floor(n/2) -> n real samples, scaled by 1/n (numpy.fft.irfft). As there, the
   * imaginary parts of the DC bin and (even n) the Nyquist bin are ignored. The bins are read from index `at` on.
   */
  realInverse(re: Float64Array, im: Float64Array, out: Float64Array, at = 0): void {
    const n = this.n;
    const zr = this.#scratchRe;
    const zi = this.#scratchIm;
    if (this.#half === null) {
      // odd n: rebuild the Hermitian spectrum, inverse = conj(fft(conj(X))) / n
      zr[0] = re[at]!;
      zi[0] = 0;
      for (let k = 1; k <= n >> 1; k++) {
        zr[k] = re[at + k]!;
        zi[k] = -im[at + k]!;
        zr[n - k] = re[at + k]!;
        zi[n - k] = im[at + k]!;
      }
      this.complexForward(zr, zi);
      for (let j = 0; j < n; j++) out[j] = zr[j]! / n;
      return;
    }
    const h = n >> 1;
    const c = this.#splitCos;
    const s = this.#splitSin;
    // Z[k] = Xe[k] + i Xo[k] with Xe = (X[k] + conj X[h-k]) / 2, Xo = (X[k] - conj X[h-k]) W^-k / 2; then
    // z = ifft_h(Z) holds the even samples in its real part and the odd ones in its imaginary part.
    for (let k = 0; k < h; k++) {
      const ar = re[at + k]!;
      const ai = k === 0 ? 0 : im[at + k]!;
      const j = h - k;
      const br = re[at + j]!;
      const bi = j === h ? 0 : -im[at + j]!;
      const er = 0.5 * (ar + br);
      const ei = 0.5 * (ai + bi);
      const dr = 0.5 * (ar - br);
      const di = 0.5 * (ai - bi);
      // W^-k = cos + i sin
      const wr = c[k]!;
      const wi = s[k]!;
      const or = dr * wr - di * wi;
      const oi = dr * wi + di * wr;
      // Z = E + i O, stored conjugated for the forward-transform-as-inverse trick
      zr[k] = er - oi;
      zi[k] = -(ei + or);
    }
    this.#half.forward(zr, zi);
    for (let j = 0; j < h; j++) {
      out[2 * j] = zr[j]! / h;
      out[2 * j + 1] = -zi[j]! / h;
    }
  }
}
