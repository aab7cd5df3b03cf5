/** Horizontal bars in eighths of a cell, so a 20-cell bar still tells 61 % from 62 %. */

const PARTIAL = ['', '▏', '▎', '▍', '▌', '▋', '▊', '▉'];

/** A bar of `width` cells for p in [0, 1], padded with spaces to the full width. */
export function horizontalBar(p: number, width: number): string {
  const w = Math.max(0, Math.floor(width));
  const eighths = Math.round(Math.max(0, Math.min(1, Number.isFinite(p) ? p : 0)) * w * 8);
  const full = Math.floor(eighths / 8);
  return ('█'.repeat(full) + PARTIAL[eighths % 8]!).padEnd(w, ' ');
}

/** "61.2%": one decimal, enough to compare classes without implying false precision. */
export function percent(p: number): string {
  return `${(100 * p).toFixed(1)}%`;
}
