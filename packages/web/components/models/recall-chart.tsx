'use client';

import { Bar, BarChart, CartesianGrid, Cell, Tooltip, XAxis, YAxis } from 'recharts';
import { emotionColour } from '../common/emotions';
import { AXIS_TICK, GRID_STROKE, TOOLTIP_CURSOR, TOOLTIP_STYLE, asPercent, axisPercent } from './chart-theme';
import styles from './models.module.css';

export interface ClassRecall {
  label: string;
  recall: number;
  /** Test examples of this emotion. */
  support: number;
}

/** Recall of each emotion (the diagonal of the confusion matrix over its row): UAR is their mean. */
export function RecallChart({ recalls, title }: { recalls: readonly ClassRecall[]; title: string }) {
  return (
    <figure className={styles.chartFigure}>
      <figcaption className={styles.chartTitle}>{title}</figcaption>
      <BarChart responsive style={{ width: '100%', height: 260 }} data={[...recalls]} margin={{ top: 8, right: 8, bottom: 8, left: 0 }} title={title}>
        <CartesianGrid stroke={GRID_STROKE} vertical={false} />
        <XAxis dataKey="label" interval={0} tick={AXIS_TICK} stroke={GRID_STROKE} angle={-30} textAnchor="end" height={56} />
        <YAxis domain={[0, 1]} tickFormatter={axisPercent} tick={AXIS_TICK} stroke={GRID_STROKE} width={44} />
        <Tooltip formatter={asPercent} contentStyle={TOOLTIP_STYLE} cursor={TOOLTIP_CURSOR} />
        <Bar dataKey="recall" name="recall" isAnimationActive={false}>
          {recalls.map((r) => (
            <Cell key={r.label} fill={emotionColour(r.label)} />
          ))}
        </Bar>
      </BarChart>
      <details className={styles.dataTable}>
        <summary>{title}: as a table</summary>
        <table>
          <thead>
            <tr>
              <th scope="col">Emotion</th>
              <th scope="col" className={styles.numeric}>
                Recall
              </th>
              <th scope="col" className={styles.numeric}>
                Test examples
              </th>
            </tr>
          </thead>
          <tbody>
            {recalls.map((r) => (
              <tr key={r.label}>
                <th scope="row">{r.label}</th>
                <td className={styles.numeric}>{asPercent(r.recall)}</td>
                <td className={styles.numeric}>{r.support}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </details>
    </figure>
  );
}
