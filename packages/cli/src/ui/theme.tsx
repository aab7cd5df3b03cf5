/**
 * Colour policy of the UI. NO_COLOR (present and non-empty, per no-color.org) turns every colour off, and
 * because Ink's chalk does not read NO_COLOR itself, components never pass a colour to <Text> unless the theme allows
 * it: `fg()` answers undefined when colour is off. Meaning never rides on colour alone: emotions also get a letter,
 * the spectrogram a shade, the selection a marker.
 */
import { createContext, useContext, useMemo, type ReactNode } from 'react';

export type ColorMode = 'none' | '16' | '256' | 'truecolor';

interface ColorStream {
  isTTY?: boolean;
  getColorDepth?: (env?: NodeJS.ProcessEnv) => number;
}

/** The colour depth to draw with: NO_COLOR first, then FORCE_COLOR, then what the terminal says it supports. */
export function detectColorMode(env: NodeJS.ProcessEnv = process.env, stream: ColorStream = process.stdout): ColorMode {
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return 'none';
  const force = env.FORCE_COLOR;
  if (force !== undefined) {
    if (force === '0' || force === 'false') return 'none';
    if (force === '2') return '256';
    if (force === '3') return 'truecolor';
    return '16';
  }
  if (!stream.isTTY) return 'none';
  const depth = stream.getColorDepth?.(env) ?? 4;
  return depth >= 24 ? 'truecolor' : depth >= 8 ? '256' : depth >= 4 ? '16' : 'none';
}

/** Ink's named colours used here (a subset of chalk's). */
export type ColorName =
  | 'red' | 'green' | 'yellow' | 'blue' | 'magenta' | 'cyan' | 'white' | 'gray'
  | 'redBright' | 'greenBright' | 'yellowBright' | 'blueBright' | 'magentaBright' | 'cyanBright' | 'whiteBright';

export interface EmotionStyle {
  letter: string;
  color: ColorName;
}

/** Canonical emotions keep their letter and colour across views, so a timeline reads at a glance. */
const CANONICAL: Record<string, EmotionStyle> = {
  neutral: { letter: 'N', color: 'gray' },
  calm: { letter: 'C', color: 'cyan' },
  happy: { letter: 'H', color: 'yellow' },
  sad: { letter: 'S', color: 'blue' },
  angry: { letter: 'A', color: 'red' },
  fearful: { letter: 'F', color: 'magenta' },
  disgust: { letter: 'D', color: 'green' },
  surprised: { letter: 'U', color: 'whiteBright' },
  boredom: { letter: 'B', color: 'blueBright' },
};

const SPARE_COLORS: ColorName[] = ['greenBright', 'redBright', 'magentaBright', 'cyanBright', 'yellowBright', 'white'];

/**
 * A letter and colour per label of a model. Labels outside the canonical set (a custom model) get the first letter of
 * their name not taken yet, so every label of one model stays distinguishable without colour.
 */
export function emotionStyles(labels: readonly string[]): Map<string, EmotionStyle> {
  const styles = new Map<string, EmotionStyle>();
  const taken = new Set<string>();
  for (const l of labels) {
    const c = CANONICAL[l];
    if (c) {
      styles.set(l, c);
      taken.add(c.letter);
    }
  }
  let spare = 0;
  for (const l of labels) {
    if (styles.has(l)) continue;
    const candidates = [...l.toUpperCase(), ...'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789'].filter((ch) => /[A-Z0-9]/.test(ch));
    const letter = candidates.find((ch) => !taken.has(ch)) ?? '?';
    taken.add(letter);
    styles.set(l, { letter, color: SPARE_COLORS[spare++ % SPARE_COLORS.length]! });
  }
  return styles;
}

export interface Theme {
  mode: ColorMode;
  /** The colour when colour is on, else undefined (which <Text> treats as "no colour"). */
  fg(color: ColorName): ColorName | undefined;
}

export function makeTheme(mode: ColorMode): Theme {
  return { mode, fg: (color) => (mode === 'none' ? undefined : color) };
}

const ThemeContext = createContext<Theme>(makeTheme('none'));

export function ThemeProvider({ mode, children }: { mode: ColorMode; children: ReactNode }) {
  const theme = useMemo(() => makeTheme(mode), [mode]);
  return <ThemeContext.Provider value={theme}>{children}</ThemeContext.Provider>;
}

export function useTheme(): Theme {
  return useContext(ThemeContext);
}
