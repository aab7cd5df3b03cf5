/** Fitting text into terminal columns. Lengths are in UTF-16 units, which is right for the names and symbols used. */

/** Cuts the end, marking the cut with an ellipsis. */
export function fitEnd(text: string, width: number): string {
  if (width <= 0) return '';
  return text.length <= width ? text : `${text.slice(0, Math.max(0, width - 1))}…`;
}

/** Cuts the start (for paths, whose end matters most). */
export function fitStart(text: string, width: number): string {
  if (width <= 0) return '';
  return text.length <= width ? text : `…${text.slice(text.length - Math.max(0, width - 1))}`;
}

/** Exactly `width` columns: cut with an ellipsis or padded with spaces. */
export function cell(text: string, width: number, align: 'left' | 'right' = 'left'): string {
  const t = fitEnd(text, width);
  return align === 'left' ? t.padEnd(width) : t.padStart(width);
}

/** Lines a text takes when wrapped at `width` (at least 1). */
export function wrappedLines(text: string, width: number): number {
  if (width <= 0) return 1;
  return text.split('\n').reduce((n, line) => n + Math.max(1, Math.ceil(line.length / width)), 0);
}

/**
 * The first visible index of a list window of `height` rows that keeps `selected` visible, moving as little as
 * possible from `top` (so the list does not jump while the selection moves inside the window).
 */
export function scrollTop(selected: number, count: number, height: number, top: number): number {
  if (height <= 0 || count <= height) return 0;
  let t = Math.min(Math.max(0, top), count - height);
  if (selected < t) t = selected;
  if (selected >= t + height) t = selected - height + 1;
  return Math.max(0, Math.min(t, count - height));
}

/** "1.9 s", "2 min 05 s": a recording's length. */
export function formatSeconds(s: number): string {
  if (!Number.isFinite(s)) return '?';
  if (s < 60) return `${s < 10 ? s.toFixed(2) : s.toFixed(1)} s`;
  const m = Math.floor(s / 60);
  return `${m} min ${String(Math.round(s - 60 * m)).padStart(2, '0')} s`;
}

/** Sample peak in dBFS, as `ser info` prints it. */
export function dbfs(peak: number): string {
  // Round first so a peak just under full scale reads 0.0, not -0.0.
  return peak > 0 ? `${(Math.round(200 * Math.log10(peak)) / 10 || 0).toFixed(1)} dBFS` : 'silent';
}
