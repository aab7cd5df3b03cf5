/** The STFT analysis window exactly as librosa.stft builds it: filters.get_window('hann', win_length, fftbins=True),
 * then util.pad_center to n_fft. */

/**
 * scipy.signal.get_window('hann', n, fftbins=True) = scipy.signal.windows.hann(n, sym=False): general_cosine on
 * n + 1 points, w = 0.5 + 0.5 * cos(fac) with fac = np.linspace(-pi, pi, n + 1), the last point dropped. We evaluate
 * the same expression (fac = k * step + (-pi), as np.linspace does) rather than 0.5 - 0.5 cos(2 pi k / n), so the
 * window matches scipy's to the last bit.
 */
export function hannPeriodic(n: number): Float64Array {
  if (!Number.isInteger(n) || n < 1) throw new RangeError(`window length must be an integer >= 1, got ${n}`);
  const w = new Float64Array(n);
  // scipy's _len_guards: a length-1 window is [1.0]
  if (n === 1) {
    w[0] = 1;
    return w;
  }
  const step = (2 * Math.PI) / n; // np.linspace(-pi, pi, n + 1): delta / div with div = n
  for (let k = 0; k < n; k++) w[k] = 0.5 + 0.5 * Math.cos(k * step + -Math.PI);
  return w;
}

/** librosa.util.pad_center: zero-pads `data` to `size`, (size - n) // 2 zeros on the left, the rest on the right. */
export function padCenter(data: Float64Array, size: number): Float64Array {
  const n = data.length;
  if (n > size) throw new RangeError(`cannot pad a window of length ${n} to ${size}: winLength must be <= nFft`);
  if (n === size) return data;
  const out = new Float64Array(size);
  out.set(data, Math.floor((size - n) / 2));
  return out;
}

/** The n_fft-long window librosa.stft multiplies every frame with. */
export function stftWindow(nFft: number, winLength: number): Float64Array {
  return padCenter(hannPeriodic(winLength), nFft);
}
