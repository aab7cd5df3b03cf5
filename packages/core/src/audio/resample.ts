/**
 * Band-limited sample-rate conversion: windowed-sinc (Kaiser) interpolation, streaming and one-shot.
 *
 * Output sample m sits at input time t_m = m * fromRate / toRate (zero phase, no delay) and is
 *   y[m] = sum_n x[n] * h(t_m - n),
 * where h is a low-pass sinc with its cutoff at `rolloff` times the lower rate's Nyquist frequency, tapered by a
 * Kaiser window to `zeroCrossings` zero crossings each side. Samples outside the signal count as zeros.
 *
 * With L = toRate / gcd and M = fromRate / gcd, t_m = m * M / L. Two evaluation orders keep memory bounded for any
 * rate pair:
 *  - upsampling (L > M) gathers: each output is a dot product of 2H input samples with one of L kernel phases; the
 *    kernel reaches zeroCrossings / rolloff input samples each side, so the history is ~100 samples for any ratio;
 *  - downsampling (L < M) scatters (transposed form): each input sample adds its contribution into the 2H pending
 *    outputs it reaches, using one of M kernel phases. A gather here would need a history as long as the kernel,
 *    2 * zeroCrossings / rolloff * M / L input samples (80 million for 768000 -> 1 Hz); the scatter keeps 2H sums.
 * Either way the kernel, measured in samples of the lower rate, is the same 2H-tap row per phase, with
 * H >= zeroCrossings / rolloff. Rows come from a precomputed polyphase table when the phase count is small, and
 * otherwise are interpolated between the rows of a table with 1024 phases per sample (e.g. 48001 -> 16000 has 48001
 * phases), so memory stays within a few MB for any rate pair and any input length.
 *
 * Every output is computed by the same operations in the same order however the input is chunked, so streaming
 * output is bit-identical to the one-shot result.
 */
import { kaiserSinc } from './kaiser.js';

/** Highest accepted sample rate, Hz. */
const MAX_RATE = 768_000;
/** Largest exact polyphase table, in float64 entries (2 MiB); above it rows are interpolated. */
const MAX_TABLE_ENTRIES = 1 << 18;
/** Phase resolution of the interpolated table, rows per lower-rate sample; interpolation error about 5e-7 of the peak. */
const FINE_PHASES = 1024;
/** Work buffers hold the filter span plus this many samples, so a huge chunk is processed in bounded pieces. */
const BLOCK = 4096;

export interface ResamplerOptions {
  /** Cutoff as a fraction of the lower rate's Nyquist frequency, in [0.5, 1]. Default 0.94. */
  rolloff?: number;
  /** Kernel half-width, in zero crossings of the cutoff sinc: an integer in [4, 64]. Longer is sharper and slower. Default 48. */
  zeroCrossings?: number;
  /** Kaiser window beta, in [0, 40]: larger gives a deeper stopband and a wider transition. Default 10 (about 100 dB). */
  kaiserBeta?: number;
}

const DEFAULTS: Required<ResamplerOptions> = { rolloff: 0.94, zeroCrossings: 48, kaiserBeta: 10 };

/** Resample a whole signal. Output length is ceil(n * toRate / fromRate); equal rates return a copy. */
export function resample(samples: Float32Array, fromRate: number, toRate: number, options?: ResamplerOptions): Float32Array {
  if (!(samples instanceof Float32Array)) throw new TypeError('samples must be a Float32Array');
  const r = new Resampler(fromRate, toRate, options);
  const body = r.process(samples);
  const tail = r.flush();
  if (tail.length === 0) return body;
  const out = new Float32Array(body.length + tail.length);
  out.set(body);
  out.set(tail, body.length);
  return out;
}

/**
 * Streaming resampler: feed chunks of any size to `process`, then call `flush` once for the tail. The concatenated
 * outputs equal `resample` of the concatenated input exactly. `flush` also resets the instance for a new stream.
 */
export class Resampler {
  readonly fromRate: number;
  readonly toRate: number;
  private readonly engine: Engine;

  constructor(fromRate: number, toRate: number, options?: ResamplerOptions) {
    checkRate('fromRate', fromRate);
    checkRate('toRate', toRate);
    this.fromRate = fromRate;
    this.toRate = toRate;
    const { rolloff, zeroCrossings, kaiserBeta } = checkOptions(options);
    const g = gcd(fromRate, toRate);
    const up = toRate / g;
    const down = fromRate / g;
    if (up === down) {
      this.engine = new CopyEngine();
      return;
    }
    // Kernel gain: the sinc's cutoff c (as a fraction of the input Nyquist) is also its DC gain per input sample.
    const gain = up > down ? rolloff : (rolloff * up) / down;
    const rows = new KernelRows(up > down ? up : down, rolloff, zeroCrossings, kaiserBeta, gain);
    this.engine = up > down ? new GatherEngine(rows, up, down) : new ScatterEngine(rows, up, down);
  }

  /** Resample the next chunk; returns the outputs that are complete so far (possibly none). */
  process(chunk: Float32Array): Float32Array {
    if (!(chunk instanceof Float32Array)) throw new TypeError('chunk must be a Float32Array');
    return this.engine.process(chunk);
  }

  /** End of input: returns the remaining outputs (edges padded with zeros) and resets for a new stream. */
  flush(): Float32Array {
    return this.engine.flush();
  }
}

interface Engine {
  process(x: Float32Array): Float32Array;
  flush(): Float32Array;
}

class CopyEngine implements Engine {
  process(x: Float32Array): Float32Array {
    return x.slice();
  }
  flush(): Float32Array {
    return new Float32Array(0);
  }
}

/**
 * The kernel as 2H-tap rows, one per phase phi = phase / phases in [0, 1):
 *   row_phi[k] = gain * kernel(rolloff * (phi + H - 1 - k)),   k = 0 .. 2H-1,
 * with the kernel's argument in zero crossings of the cutoff sinc. Tap k = H - 1 is the one at distance phi (in
 * lower-rate samples) from the sample it is paired with; the others follow at whole-sample steps.
 */
class KernelRows {
  readonly half: number;
  readonly taps: number;
  /** Where `select` leaves the row: the exact table itself, or a one-row scratch filled by interpolation. */
  readonly coeffs: Float64Array;
  private readonly table: Float64Array;
  private readonly phases: number;
  private readonly exact: boolean;

  constructor(phases: number, rolloff: number, zeroCrossings: number, beta: number, gain: number) {
    this.phases = phases;
    // Taps reach |distance| < H lower-rate samples, i.e. |z| < rolloff * H, which covers the kernel's |z| < Z.
    // H is rounded up to even so the inner loops can take taps four at a time.
    this.half = 2 * Math.ceil(zeroCrossings / rolloff / 2);
    const taps = (this.taps = 2 * this.half);
    // Exact polyphase table, one row per phase, when it is small. Otherwise (48001 -> 16000 has 48001 phases) rows on
    // a grid of FINE_PHASES steps per sample, plus the row for phase 1, and `select` interpolates linearly between the
    // two rows around the wanted phase: contiguous reads, and memory bounded whatever the rate pair.
    this.exact = phases * taps <= MAX_TABLE_ENTRIES;
    const rows = this.exact ? phases : FINE_PHASES + 1;
    const step = this.exact ? phases : FINE_PHASES;
    const kernel = kaiserSinc(zeroCrossings, beta);
    this.table = new Float64Array(rows * taps);
    for (let j = 0; j < rows; j++) {
      const z0 = rolloff * (j / step + this.half - 1);
      for (let k = 0; k < taps; k++) this.table[j * taps + k] = gain * kernel(z0 - rolloff * k);
    }
    this.coeffs = this.exact ? this.table : new Float64Array(taps);
  }

  /** Make the row for phase / phases available; returns its offset in `coeffs`. */
  select(phase: number): number {
    const { table, taps } = this;
    if (this.exact) return phase * taps;
    const at = (phase / this.phases) * FINE_PHASES;
    const j = Math.floor(at);
    const f = at - j;
    const row = this.coeffs;
    const a = j * taps;
    const b = a + taps;
    for (let k = 0; k < taps; k++) {
      const lo = table[a + k]!;
      row[k] = lo + f * (table[b + k]! - lo);
    }
    return 0;
  }
}

/**
 * Upsampling (L > M). Output m = base + phase / L input samples reads inputs base-H+1 .. base+H from `hist`.
 * `hist[0]` is input index `histStart`; the first H-1 entries start as the zeros before the signal.
 */
class GatherEngine implements Engine {
  private readonly hist: Float32Array;
  private histStart = 0;
  private histLen = 0;
  private received = 0;
  private base = 0;
  private phase = 0;

  constructor(
    private readonly rows: KernelRows,
    private readonly up: number,
    private readonly down: number,
  ) {
    this.hist = new Float32Array(rows.taps + BLOCK);
    this.reset();
  }

  private reset(): void {
    this.hist.fill(0);
    this.histStart = 1 - this.rows.half;
    this.histLen = this.rows.half - 1;
    this.received = 0;
    this.base = 0;
    this.phase = 0;
  }

  process(x: Float32Array): Float32Array {
    const { hist, rows } = this;
    const out = new Float32Array(this.countUpTo(this.received + x.length - 1 - rows.half));
    let o = 0;
    for (let i = 0; i < x.length; ) {
      const n = Math.min(x.length - i, hist.length - this.histLen);
      hist.set(x.subarray(i, i + n), this.histLen);
      this.histLen += n;
      this.received += n;
      i += n;
      o = this.emit(out, o, this.received - 1 - rows.half);
      this.compact();
    }
    return out;
  }

  flush(): Float32Array {
    // Outputs with t_m < n remain; the H inputs after the end are zeros.
    const last = this.received - 1;
    const out = new Float32Array(this.countUpTo(last));
    this.hist.fill(0, this.histLen, this.histLen + this.rows.half);
    this.histLen += this.rows.half;
    this.emit(out, 0, last);
    this.reset();
    return out;
  }

  /** How many outputs, from the next one on, have floor(t_m) <= lastBase. */
  private countUpTo(lastBase: number): number {
    const span = (lastBase + 1 - this.base) * this.up - this.phase;
    return span > 0 ? ceilDiv(span, this.down) : 0;
  }

  /** Compute the outputs with floor(t_m) <= lastBase into out[o..]; returns the new o. */
  private emit(out: Float32Array, o: number, lastBase: number): number {
    const { hist, rows, up, down } = this;
    const taps = rows.taps;
    const first = 1 - rows.half - this.histStart;
    let base = this.base;
    let phase = this.phase;
    while (base <= lastBase) {
      const off = rows.select(phase);
      const c = rows.coeffs;
      const s = base + first;
      // Four partial sums (taps is a multiple of 4): about twice as fast in V8 as one dependent chain.
      let a0 = 0;
      let a1 = 0;
      let a2 = 0;
      let a3 = 0;
      for (let k = 0; k < taps; k += 4) {
        a0 += hist[s + k]! * c[off + k]!;
        a1 += hist[s + k + 1]! * c[off + k + 1]!;
        a2 += hist[s + k + 2]! * c[off + k + 2]!;
        a3 += hist[s + k + 3]! * c[off + k + 3]!;
      }
      out[o++] = a0 + a1 + (a2 + a3);
      phase += down;
      if (phase >= up) {
        phase -= up;
        base++;
      }
    }
    this.base = base;
    this.phase = phase;
    return o;
  }

  /** Drop inputs the next output no longer needs (keeps fewer than 2H). */
  private compact(): void {
    const drop = this.base + 1 - this.rows.half - this.histStart;
    if (drop <= 0) return;
    this.hist.copyWithin(0, drop, this.histLen);
    this.histStart += drop;
    this.histLen -= drop;
  }
}

/**
 * Downsampling (L < M). Input n sits at output time s_n = n * L / M = sBase + phase / M and adds into outputs
 * sBase-H+1 .. sBase+H, kept in `acc` (acc[0] is output `accBase`). Output m is final once the next input has
 * sBase - H + 1 > m, since later inputs only reach later outputs. Negative outputs are accumulated and dropped.
 */
class ScatterEngine implements Engine {
  private readonly acc: Float64Array;
  private accBase = 0;
  private sBase = 0;
  private phase = 0;

  constructor(
    private readonly rows: KernelRows,
    private readonly up: number,
    private readonly down: number,
  ) {
    this.acc = new Float64Array(rows.taps + BLOCK);
    this.reset();
  }

  private reset(): void {
    this.acc.fill(0);
    this.accBase = 1 - this.rows.half;
    this.sBase = 0;
    this.phase = 0;
  }

  process(x: Float32Array): Float32Array {
    const { acc, rows, up, down } = this;
    const taps = rows.taps;
    const half = rows.half;
    const endBase = this.sBase + floorDiv(this.phase + x.length * up, down);
    const out = new Float32Array(Math.max(0, endBase + 1 - half) - Math.max(0, this.accBase));
    let o = 0;
    let sBase = this.sBase;
    let phase = this.phase;
    let accBase = this.accBase;
    for (let i = 0; i < x.length; i++) {
      if (sBase + half - accBase >= acc.length) {
        o = this.drain(out, o, sBase + 1 - half);
        accBase = this.accBase;
      }
      const v = x[i]!;
      const off = rows.select(phase);
      const c = rows.coeffs;
      const s = sBase + 1 - half - accBase;
      for (let k = 0; k < taps; k += 4) {
        acc[s + k] = acc[s + k]! + v * c[off + k]!;
        acc[s + k + 1] = acc[s + k + 1]! + v * c[off + k + 1]!;
        acc[s + k + 2] = acc[s + k + 2]! + v * c[off + k + 2]!;
        acc[s + k + 3] = acc[s + k + 3]! + v * c[off + k + 3]!;
      }
      phase += up;
      if (phase >= down) {
        phase -= down;
        sBase++;
      }
    }
    this.sBase = sBase;
    this.phase = phase;
    this.drain(out, o, endBase + 1 - half);
    return out;
  }

  flush(): Float32Array {
    // Outputs with t_m < n remain: m < n * L / M, i.e. up to sBase, plus one more when n * L / M is not whole.
    const end = this.sBase + (this.phase > 0 ? 1 : 0);
    const out = new Float32Array(Math.max(0, end - Math.max(0, this.accBase)));
    this.drain(out, 0, end);
    this.reset();
    return out;
  }

  /** Emit the (non-negative) outputs below `end` into out[o..] and slide the accumulators; returns the new o. */
  private drain(out: Float32Array, o: number, end: number): number {
    const acc = this.acc;
    const n = end - this.accBase;
    if (n <= 0) return o;
    for (let j = Math.max(0, -this.accBase); j < n; j++) out[o++] = acc[j]!;
    acc.copyWithin(0, n);
    acc.fill(0, acc.length - n);
    this.accBase = end;
    return o;
  }
}

function checkRate(name: string, rate: unknown): asserts rate is number {
  if (typeof rate !== 'number') throw new TypeError(`${name} must be a number, got ${typeof rate}`);
  if (!Number.isInteger(rate) || rate < 1 || rate > MAX_RATE) {
    throw new RangeError(`${name} must be an integer sample rate from 1 to ${MAX_RATE} Hz, got ${rate}`);
  }
}

function checkOptions(options: ResamplerOptions | undefined): Required<ResamplerOptions> {
  const o = { ...DEFAULTS };
  if (options === undefined) return o;
  const pick = (name: keyof ResamplerOptions, ok: (v: number) => boolean, range: string): void => {
    const v = options[name];
    if (v === undefined) return;
    if (typeof v !== 'number' || !ok(v)) throw new RangeError(`options.${name} must be ${range}, got ${String(v)}`);
    o[name] = v;
  };
  pick('rolloff', (v) => v >= 0.5 && v <= 1, 'a number in [0.5, 1]');
  pick('zeroCrossings', (v) => Number.isInteger(v) && v >= 4 && v <= 64, 'an integer in [4, 64]');
  pick('kaiserBeta', (v) => v >= 0 && v <= 40, 'a number in [0, 40]');
  return o;
}

function gcd(a: number, b: number): number {
  while (b !== 0) [a, b] = [b, a % b];
  return a;
}

/** floor(a / b) for integers (b > 0), exact even where the float quotient rounds to the next integer. */
function floorDiv(a: number, b: number): number {
  const q = Math.floor(a / b);
  return a - q * b < 0 ? q - 1 : q;
}

function ceilDiv(a: number, b: number): number {
  return -floorDiv(-a, b);
}
