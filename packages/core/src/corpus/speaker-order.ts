/**
 * Natural order for speaker ids: digit runs compare as numbers, so 'Actor_2' < 'Actor_10' and '9' < '10'. Splits cut
 * speakers into consecutive groups in this order, so it must be total and stable: ids that are numerically equal
 * ('01' and '1') fall back to plain code-unit order.
 */
export function compareSpeakerIds(a: string, b: string): number {
  if (a === b) return 0;
  // Splitting on a captured group alternates text (even indexes) and digit runs (odd indexes).
  const pa = a.split(/(\d+)/);
  const pb = b.split(/(\d+)/);
  const n = Math.min(pa.length, pb.length);
  for (let i = 0; i < n; i++) {
    const x = pa[i] ?? '';
    const y = pb[i] ?? '';
    if (x === y) continue;
    const c = i % 2 === 1 ? compareDigitRuns(x, y) : compareCodeUnits(x, y);
    if (c !== 0) return c;
  }
  if (pa.length !== pb.length) return pa.length - pb.length;
  return compareCodeUnits(a, b);
}

export function sortSpeakerIds(ids: Iterable<string>): string[] {
  return [...new Set(ids)].sort(compareSpeakerIds);
}

/** Compares digit strings by value without converting them (ids may exceed 2^53). */
function compareDigitRuns(x: string, y: string): number {
  const sx = x.replace(/^0+/, '');
  const sy = y.replace(/^0+/, '');
  if (sx.length !== sy.length) return sx.length - sy.length;
  return compareCodeUnits(sx, sy);
}

function compareCodeUnits(x: string, y: string): number {
  return x < y ? -1 : x > y ? 1 : 0;
}
