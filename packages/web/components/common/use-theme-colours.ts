'use client';

import { useEffect, useState } from 'react';

/**
 * Canvas pixels do not follow CSS variables, so drawings read their colours from the computed style and redraw when
 * the theme changes: the toggle sets `data-theme` on <html>, and without a saved choice the system preference rules.
 * Returns the current values of the named custom properties (e.g. `['--accent', '--border']`).
 */
export function useThemeColours<const N extends readonly string[]>(names: N): Record<N[number], string> {
  const key = names.join(',');
  const [colours, setColours] = useState<Record<string, string>>({});
  useEffect(() => {
    const read = () => {
      const style = getComputedStyle(document.documentElement);
      setColours(Object.fromEntries(key.split(',').map((n) => [n, style.getPropertyValue(n).trim()])));
    };
    read();
    const observer = new MutationObserver(read);
    observer.observe(document.documentElement, { attributes: true, attributeFilter: ['data-theme'] });
    const media = window.matchMedia('(prefers-color-scheme: dark)');
    media.addEventListener('change', read);
    return () => {
      observer.disconnect();
      media.removeEventListener('change', read);
    };
  }, [key]);
  return colours as Record<N[number], string>;
}
