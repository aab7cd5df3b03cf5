/** Small React hooks shared by the views. */
import { useInput, useStdout, type Key } from 'ink';
import { createContext, useCallback, useContext, useEffect, useRef, useState } from 'react';

export interface TerminalSize {
  columns: number;
  rows: number;
}

/** Used when the stream does not say (a pipe, a test stream without rows). */
const FALLBACK: TerminalSize = { columns: 80, rows: 24 };

/** The terminal's size, updated on every resize so layouts follow the window. */
export function useTerminalSize(): TerminalSize {
  const { stdout } = useStdout();
  const read = (): TerminalSize => ({ columns: stdout.columns || FALLBACK.columns, rows: stdout.rows || FALLBACK.rows });
  const [size, setSize] = useState(read);
  useEffect(() => {
    const onResize = () => setSize(read());
    stdout.on('resize', onResize);
    onResize();
    return () => {
      stdout.off('resize', onResize);
    };
  }, [stdout]); // read() depends on stdout only
  return size;
}

export const SPINNER_FRAMES = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];

/** A spinner frame that advances while `active`; stops ticking (and re-rendering) otherwise. */
export function useSpinner(active: boolean, intervalMs = 100): string {
  const [frame, setFrame] = useState(0);
  useEffect(() => {
    if (!active) return;
    const timer = setInterval(() => setFrame((f) => (f + 1) % SPINNER_FRAMES.length), intervalMs);
    return () => clearInterval(timer);
  }, [active, intervalMs]);
  return SPINNER_FRAMES[frame]!;
}

/**
 * useState whose latest value key handlers can read at once. Keys can arrive faster than React re-renders (a paste,
 * tmux send-keys, a loaded machine); a handler reading render-time state would then act on a stale value and drop
 * keystrokes. `get()` always answers the value of the last `set`.
 */
export function useSyncedState<T>(initial: T | (() => T)): [T, () => T, (next: T | ((prev: T) => T)) => void] {
  const [state, setState] = useState(initial);
  const ref = useRef(state);
  const get = useCallback(() => ref.current, []);
  const set = useCallback((next: T | ((prev: T) => T)) => {
    ref.current = typeof next === 'function' ? (next as (prev: T) => T)(ref.current) : next;
    setState(ref.current);
  }, []);
  return [state, get, set];
}

/** A ref that always holds the value of the latest render, for handlers that read values they do not own. */
export function useLatest<T>(value: T): { readonly current: T } {
  const ref = useRef(value);
  ref.current = value;
  return ref;
}

/**
 * useInput, one key at a time. Ink hands over a chunk of input as one string when keys arrive together (a paste, keys
 * typed faster than they are read, tmux send-keys): "ss" or "03a01F\r". Splitting it gives each key its binding.
 */
export function useKeys(handler: (input: string, key: Key) => void, options: { isActive?: boolean } = {}): void {
  useInput((input, key) => {
    if (input.length <= 1 || key.ctrl || key.meta) return handler(input, key);
    for (const ch of input) {
      if (ch === '\r' || ch === '\n') handler('', { ...key, return: true });
      else if (ch === '\u007f') handler('', { ...key, delete: true });
      else if (ch === '\b') handler('', { ...key, backspace: true });
      else if (ch >= ' ') handler(ch, key);
    }
  }, options);
}

export type KeyHandler = (input: string, key: Key) => void;

/**
 * Where key presses go. The App has the only Ink input subscription and passes each key to the handler of the view on
 * top of its stack. Views register their handler while they render, so a view is reachable as soon as it is drawn:
 * with one useInput per view, a key that arrives before React has run the effects of the last render would still go
 * to the view that was left (or nowhere).
 */
export interface KeyRouter {
  handlers: Map<number, KeyHandler>;
}

export const KeyRouterContext = createContext<KeyRouter | undefined>(undefined);
/** The id of the stack entry a view belongs to. */
export const ViewIdContext = createContext(0);

/** Registers the keys of the view being rendered; the App calls it only while the view is on top and no help shows. */
export function useViewKeys(handler: KeyHandler): void {
  const router = useContext(KeyRouterContext);
  const id = useContext(ViewIdContext);
  router?.handlers.set(id, handler);
  useEffect(
    () => () => {
      router?.handlers.delete(id);
    },
    [router, id],
  );
}
