'use client';

import { useEffect, useState } from 'react';

/** The CSS pixel width of an element, kept current as the layout changes (canvases are redrawn at device resolution). */
export function useElementWidth(element: HTMLElement | null): number {
  const [width, setWidth] = useState(0);
  useEffect(() => {
    if (!element) return;
    const observer = new ResizeObserver((entries) => {
      const w = entries[0]?.contentRect.width;
      if (w !== undefined) setWidth(Math.round(w));
    });
    observer.observe(element);
    return () => observer.disconnect();
  }, [element]);
  return width;
}
