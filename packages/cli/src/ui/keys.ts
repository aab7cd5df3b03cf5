/**
 * The key bindings of each view, in one table that the help overlay and the footer both read, so what the UI says a
 * key does is what the handlers do (the view tests press every key listed here).
 */
export type ViewName = 'browser' | 'file' | 'compare' | 'train';

export interface KeyHelp {
  keys: string;
  does: string;
  /** Its hint in the footer, for the most used keys; the help overlay lists all. */
  footer?: string;
}

export const GLOBAL_KEYS: KeyHelp[] = [
  { keys: '?', does: 'show or hide this help', footer: '? help' },
  { keys: 'q  Ctrl-C', does: 'quit', footer: 'q quit' },
];

export const VIEW_KEYS: Record<ViewName, KeyHelp[]> = {
  browser: [
    { keys: '↑ ↓  k j', does: 'move', footer: '↑↓ move' },
    { keys: 'PgUp PgDn  Home End', does: 'move by a page, to the first or last entry' },
    { keys: 'Enter  →  l', does: 'open the folder, or analyse the audio file', footer: 'Enter open' },
    { keys: 'Backspace  ←  h', does: 'go up to the parent folder', footer: '⌫ up' },
    { keys: '/', does: 'filter by name (type, then Enter to keep it, Esc to clear it)', footer: '/ filter' },
    { keys: 'Esc', does: 'clear the filter' },
    { keys: 'c', does: 'compare: classify every audio file of this folder', footer: 'c compare' },
    { keys: 't', does: 'training dashboard (follows `ser train`)', footer: 't training' },
  ],
  file: [
    { keys: 'n  p', does: 'next or previous audio file of the folder', footer: 'n/p next/prev' },
    { keys: '↑ ↓  k j', does: 'scroll the segment rows of the timeline', footer: '↑↓ scroll' },
    { keys: 'Esc  Backspace  h', does: 'back', footer: 'Esc back' },
  ],
  compare: [
    { keys: '↑ ↓  k j', does: 'move', footer: '↑↓ move' },
    { keys: 'PgUp PgDn  Home End', does: 'move by a page, to the first or last row' },
    { keys: 's', does: 'sort by the next column (file, label, confidence, expected)', footer: 's sort' },
    { keys: 'r', does: 'reverse the sort order', footer: 'r reverse' },
    { keys: 'Enter', does: 'open the file: waveform, spectrogram, timeline', footer: 'Enter open' },
    { keys: 'Esc  Backspace  h', does: 'back', footer: 'Esc back' },
  ],
  train: [
    { keys: '← →', does: 'show an earlier or later stage (fold) of the run', footer: '←→ stage' },
    { keys: 'f', does: 'follow the current stage again', footer: 'f follow' },
    { keys: 'Esc  Backspace  h', does: 'back', footer: 'Esc back' },
  ],
};

export const VIEW_TITLES: Record<ViewName, string> = {
  browser: 'files',
  file: 'file',
  compare: 'compare',
  train: 'training',
};

/** The footer: as many of the view's everyday keys as fit the width, and always help and quit. */
export function footerText(view: ViewName, width: number): string {
  const hints = (keys: KeyHelp[]) => keys.flatMap((k) => (k.footer ? [k.footer] : []));
  const tail = hints(GLOBAL_KEYS).join(' · ');
  let text = '';
  for (const item of hints(VIEW_KEYS[view])) {
    const next = text ? `${text} · ${item}` : item;
    if (next.length + 3 + tail.length > width) break;
    text = next;
  }
  return text ? `${text} · ${tail}` : tail;
}
