/** Recharts styling from the page's CSS variables, so every chart follows the light or dark theme without redrawing. */
import type { CSSProperties } from 'react';

export const AXIS_TICK = { fill: 'var(--muted)', fontSize: 12 } as const;
export const GRID_STROKE = 'var(--border)';
export const TOOLTIP_STYLE: CSSProperties = { background: 'var(--surface)', border: '1px solid var(--border)', color: 'var(--text)', borderRadius: 6 };
export const TOOLTIP_CURSOR = { fill: 'color-mix(in srgb, var(--accent) 10%, transparent)' } as const;
export const LEGEND_STYLE: CSSProperties = { color: 'var(--text)', fontSize: 13 };

/** Series colours (--series-1 ... --series-8 in models.module.css, a palette per theme at 4.5:1 on the page). */
export function seriesColour(i: number): string {
  return `var(--series-${(i % 8) + 1})`;
}

export const asPercent = (v: unknown): string => (typeof v === 'number' ? `${(v * 100).toFixed(1)}%` : '–');
export const axisPercent = (v: number): string => `${Math.round(v * 100)}%`;
