'use client';

import { CartesianGrid, Legend, Line, LineChart, ReferenceLine, Tooltip, XAxis, YAxis } from 'recharts';
import { AXIS_TICK, GRID_STROKE, LEGEND_STYLE, TOOLTIP_STYLE, asPercent, axisPercent, seriesColour } from './chart-theme';
import type { EpochRecord } from './evaluation-types';
import styles from './models.module.css';

const lossText = (v: unknown) => (typeof v === 'number' ? v.toFixed(3) : '–');

/**
 * Loss on the left axis, accuracy and validation UAR (speakers held out of training) on the right; the epoch whose
 * weights were kept is marked.
 */
export function TrainingCurves({ history, bestEpoch }: { history: readonly EpochRecord[]; bestEpoch?: number }) {
  const hasVal = history.some((h) => h.valUar !== undefined);
  const title = 'Training curves of the final model';
  return (
    <figure className={styles.chartFigure}>
      <figcaption className={styles.chartTitle}>{title}</figcaption>
      <LineChart responsive style={{ width: '100%', height: 300 }} data={[...history]} margin={{ top: 20, right: 8, bottom: 8, left: 0 }} title={title}>
        <CartesianGrid stroke={GRID_STROKE} vertical={false} />
        <XAxis dataKey="epoch" tick={AXIS_TICK} stroke={GRID_STROKE} label={{ value: 'epoch', position: 'insideBottomRight', offset: -4, fill: 'var(--muted)', fontSize: 12 }} />
        <YAxis yAxisId="loss" tick={AXIS_TICK} stroke={GRID_STROKE} width={48} tickFormatter={(v: number) => v.toFixed(2)} />
        <YAxis yAxisId="share" orientation="right" domain={[0, 1]} tickFormatter={axisPercent} tick={AXIS_TICK} stroke={GRID_STROKE} width={44} />
        <Tooltip contentStyle={TOOLTIP_STYLE} formatter={(v, name) => (name === 'training loss' ? lossText(v) : asPercent(v))} labelFormatter={(e) => `epoch ${String(e)}`} />
        <Legend wrapperStyle={LEGEND_STYLE} itemSorter={null} />
        {bestEpoch !== undefined && <ReferenceLine yAxisId="share" x={bestEpoch} stroke="var(--muted)" strokeDasharray="4 3" label={{ value: 'kept', fill: 'var(--muted)', fontSize: 12, position: 'top' }} />}
        <Line yAxisId="loss" dataKey="loss" name="training loss" stroke={seriesColour(1)} dot={false} strokeWidth={2} isAnimationActive={false} />
        <Line yAxisId="share" dataKey="accuracy" name="training accuracy" stroke={seriesColour(2)} dot={false} strokeWidth={2} strokeDasharray="5 3" isAnimationActive={false} />
        {hasVal && <Line yAxisId="share" dataKey="valUar" name="validation UAR" stroke={seriesColour(0)} dot={false} strokeWidth={2} isAnimationActive={false} />}
      </LineChart>
      <details className={styles.dataTable}>
        <summary>{title}: as a table</summary>
        <table>
          <thead>
            <tr>
              <th scope="col">Epoch</th>
              <th scope="col" className={styles.numeric}>
                Loss
              </th>
              <th scope="col" className={styles.numeric}>
                Accuracy
              </th>
              {hasVal && (
                <th scope="col" className={styles.numeric}>
                  Validation UAR
                </th>
              )}
            </tr>
          </thead>
          <tbody>
            {history.map((h) => (
              <tr key={h.epoch}>
                <th scope="row">{h.epoch}</th>
                <td className={styles.numeric}>{lossText(h.loss)}</td>
                <td className={styles.numeric}>{asPercent(h.accuracy)}</td>
                {hasVal && <td className={styles.numeric}>{asPercent(h.valUar)}</td>}
              </tr>
            ))}
          </tbody>
        </table>
      </details>
    </figure>
  );
}
