'use client';

import { Bar, BarChart, CartesianGrid, ErrorBar, Legend, Tooltip, XAxis, YAxis } from 'recharts';
import { AXIS_TICK, GRID_STROKE, LEGEND_STYLE, TOOLTIP_CURSOR, TOOLTIP_STYLE, asPercent, axisPercent, seriesColour } from './chart-theme';
import { wrapWords } from './figures';
import styles from './models.module.css';

/** One group of bars (a corpus under a protocol) with a value, and optionally a spread, per series. */
export interface BarGroup {
  /** Lines of the axis label, e.g. ["emodb", "leave-one-speaker-out", "speaker-independent"]. */
  lines: string[];
  values: Record<string, number | undefined>;
  /** Standard deviation over runs, drawn as an error bar. */
  spread?: Record<string, number | undefined>;
}

export interface Series {
  key: string;
  name: string;
}

interface Props {
  groups: readonly BarGroup[];
  series: readonly Series[];
  /** What the bars measure, for the y axis and the table. */
  measure: string;
  title: string;
  height?: number;
}

const TICK_CHARS = 16;
const tickLines = (g: BarGroup): string[] => [g.lines[0] ?? '', ...g.lines.slice(1).flatMap((l) => wrapWords(l, TICK_CHARS))];

/** Multi-line category labels: recharts draws one line of text per tick unless told otherwise. */
function GroupTick({ x, y, payload, groups }: { x?: number | string; y?: number | string; payload?: { index: number }; groups: readonly BarGroup[] }) {
  const group = groups[payload?.index ?? 0];
  const lines = group ? tickLines(group) : [];
  return (
    <text x={Number(x)} y={Number(y)} textAnchor="middle" fill="var(--muted)" fontSize={12}>
      {lines.map((line, i) => (
        <tspan key={i} x={Number(x)} dy={i === 0 ? 12 : 14} fontWeight={i === 0 ? 700 : 400} fill={i === 0 ? 'var(--text)' : 'var(--muted)'}>
          {line}
        </tspan>
      ))}
    </text>
  );
}

/** Grouped bars of a 0..1 measure (UAR) with a data table beneath for screen readers and exact figures. */
export function GroupedBarChart({ groups, series, measure, title, height = 340 }: Props) {
  const data = groups.map((g, i) => {
    const row: Record<string, number | string | undefined> = { index: i, category: g.lines.join(' · ') };
    for (const s of series) {
      row[s.key] = g.values[s.key];
      row[`${s.key}__spread`] = g.spread?.[s.key];
    }
    return row;
  });
  const lineCount = Math.max(1, ...groups.map((g) => tickLines(g).length));
  return (
    <figure className={styles.chartFigure}>
      <figcaption className={styles.chartTitle}>{title}</figcaption>
      <BarChart responsive style={{ width: '100%', height }} data={data} margin={{ top: 8, right: 8, bottom: 8, left: 0 }} title={title}>
        <CartesianGrid stroke={GRID_STROKE} vertical={false} />
        <XAxis dataKey="category" interval={0} height={16 + lineCount * 14} tick={(p: object) => <GroupTick {...p} groups={groups} />} stroke={GRID_STROKE} />
        <YAxis domain={[0, 1]} tickFormatter={axisPercent} tick={AXIS_TICK} stroke={GRID_STROKE} width={44} />
        <Tooltip formatter={asPercent} contentStyle={TOOLTIP_STYLE} cursor={TOOLTIP_CURSOR} />
        <Legend wrapperStyle={LEGEND_STYLE} itemSorter={null} />
        {series.map((s, i) => (
          <Bar key={s.key} dataKey={s.key} name={s.name} fill={seriesColour(i)} isAnimationActive={false}>
            {groups.some((g) => g.spread?.[s.key] !== undefined) && <ErrorBar dataKey={`${s.key}__spread`} width={4} stroke="var(--text)" />}
          </Bar>
        ))}
      </BarChart>
      <details className={styles.dataTable}>
        <summary>{title}: as a table</summary>
        <table>
          <thead>
            <tr>
              <th scope="col">Corpus and protocol</th>
              {series.map((s) => (
                <th key={s.key} scope="col" className={styles.numeric}>
                  {s.name}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {groups.map((g) => (
              <tr key={g.lines.join('|')}>
                <th scope="row">{g.lines.join(', ')}</th>
                {series.map((s) => (
                  <td key={s.key} className={styles.numeric}>
                    {asPercent(g.values[s.key])}
                    {g.spread?.[s.key] !== undefined ? ` ± ${asPercent(g.spread[s.key])}` : ''}
                  </td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
        <p className="muted">{measure}</p>
      </details>
    </figure>
  );
}
