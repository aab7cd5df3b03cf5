/**
 * How every page shows an emotion: its colour comes from the `--emotion-<label>` variables in globals.css (one place
 * to tune both themes), and the text drawn on top of it is chosen so that it stays readable.
 */

/** CSS colour of an emotion; a label outside the canonical set falls back to the muted text colour. */
export function emotionColour(label: string): string {
  return `var(--emotion-${label}, var(--muted))`;
}

/**
 * The emotion colours are the same in both themes; these two are light enough that white text on them falls below
 * WCAG AA (happy #c79200 is 2.8:1, surprised #d9569a 3.7:1), so they carry near-black text (6.7:1 and 5.1:1); the
 * others carry white at 4.8:1 or better.
 */
const NEEDS_DARK_TEXT = new Set(['happy', 'surprised']);

/** Text colour for a label written on its own emotion colour. */
export function textOnEmotion(label: string): string {
  return NEEDS_DARK_TEXT.has(label) ? '#111317' : '#ffffff';
}

/** A probability in [0, 1] as a whole percentage, e.g. "87%"; tiny non-zero values read "<1%" rather than "0%". */
export function percent(p: number): string {
  if (p > 0 && p < 0.005) return '<1%';
  return `${Math.round(p * 100)}%`;
}

/** A figure such as a UAR in [0, 1] with one decimal, e.g. "56.7%". */
export function percent1(p: number): string {
  return `${(p * 100).toFixed(1)}%`;
}
