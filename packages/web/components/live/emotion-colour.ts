import type { CSSProperties } from 'react';

/**
 * The colour of an emotion as a custom property for CSS modules to use (`var(--emotion)`): globals.css defines one
 * `--emotion-<label>` per canonical emotion in both themes; a label outside that set falls back to the accent.
 */
export function emotionStyle(label: string): CSSProperties {
  return { '--emotion': `var(--emotion-${label}, var(--accent))` } as CSSProperties;
}

/** A probability as the text next to its bar: one decimal, so the column adds up to 100 % within rounding. */
export function percent(p: number): string {
  return `${(p * 100).toFixed(1)} %`;
}
