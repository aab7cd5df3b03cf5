/**
 * Kaiser window and the windowed-sinc kernel built from it (used by the resampler).
 */

/** Modified Bessel function of the first kind, order 0, by its power series; exact to double precision for x <= 60. */
export function besselI0(x: number): number {
  const q = (x * x) / 4;
  let term = 1;
  let sum = 1;
  for (let k = 1; term > sum * 1e-17; k++) {
    term *= q / (k * k);
    sum += term;
  }
  return sum;
}

/**
 * The low-pass prototype kernel: sinc(z) * kaiser(z / zeroCrossings), with z measured in zero crossings of the
 * sinc (so its cutoff is at z-frequency 1/2), zero outside |z| < zeroCrossings. Peak value 1 at z = 0.
 */
export function kaiserSinc(zeroCrossings: number, beta: number): (z: number) => number {
  const norm = 1 / besselI0(beta);
  return (z) => {
    const t = z / zeroCrossings;
    if (!(t > -1 && t < 1)) return 0;
    const sinc = z === 0 ? 1 : Math.sin(Math.PI * z) / (Math.PI * z);
    return sinc * besselI0(beta * Math.sqrt(1 - t * t)) * norm;
  };
}
