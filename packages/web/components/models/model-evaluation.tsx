import { percent1 } from '../common/emotions';
import { ConfusionMatrix } from './confusion-matrix';
import type { ModelOverview, ReportRow } from './evaluation-types';
import { confusionSources, modelUarChart, recallsOf } from './figures';
import { GroupedBarChart } from './grouped-bar-chart';
import { RecallChart } from './recall-chart';
import { TrainingCurves } from './training-curves';
import styles from './models.module.css';

type Card = NonNullable<ModelOverview['card']>;

/** The headline figures: UAR (and accuracy) per corpus, mean ± std over the training runs. */
function HeadlineFigures({ card }: { card: Card }) {
  return (
    <ul className={styles.figures} data-testid="uar-figures">
      {card.crossValidation.map((cv) => (
        <li key={cv.corpus}>
          <small>UAR on {cv.corpus}</small>
          <span className={styles.bigFigure}>{percent1(cv.uar.mean)}</span>
          {cv.runs > 1 && <span> ± {percent1(cv.uar.std)}</span>}
          <small>
            accuracy {percent1(cv.accuracy.mean)}; {cv.protocol}, {cv.runs} run{cv.runs === 1 ? '' : 's'}
          </small>
        </li>
      ))}
    </ul>
  );
}

function PerFoldTable({ card }: { card: Card }) {
  return (
    <details className={styles.dataTable}>
      <summary>UAR of each fold (which speakers were tested)</summary>
      {card.crossValidation.map((cv) => (
        <table key={cv.corpus}>
          <caption className="muted">
            {cv.corpus}, {cv.protocol}
          </caption>
          <thead>
            <tr>
              <th scope="col">Fold</th>
              <th scope="col">Test speakers</th>
              <th scope="col" className={styles.numeric}>
                UAR (mean ± std over runs)
              </th>
            </tr>
          </thead>
          <tbody>
            {cv.perFold.map((f) => (
              <tr key={f.name}>
                <th scope="row">{f.name}</th>
                <td>{f.testSpeakers.join(', ')}</td>
                <td className={styles.numeric}>
                  {percent1(f.uar.mean)} ± {percent1(f.uar.std)}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      ))}
    </details>
  );
}

/** How well the model does on speakers it never heard: UAR per corpus and protocol, confusions, recalls, curves. */
export function ModelEvaluation({ model, card, report }: { model: ModelOverview; card: Card; report: readonly ReportRow[] | undefined }) {
  const uar = modelUarChart(model, report);
  const confusions = confusionSources(model, report);
  return (
    <section className={styles.section} aria-labelledby="evaluation-heading">
      <h2 id="evaluation-heading">Evaluation</h2>
      <p className="muted">
        UAR is the mean of the recalls of the emotions, so a frequent emotion cannot carry it. Speaker-independent protocols never test a voice
        the model was trained on.
      </p>
      {card.crossValidation.length > 0 ? <HeadlineFigures card={card} /> : <p>The card has no cross-validation figures.</p>}
      {uar.groups.length > 0 && <GroupedBarChart title="UAR per corpus and protocol" measure="Unweighted average recall; ± is the standard deviation over training runs." groups={uar.groups} series={uar.series} />}
      {card.crossValidation.some((cv) => cv.perFold.length > 0) && <PerFoldTable card={card} />}

      <h3>Confusions and recall per emotion</h3>
      {confusions.length === 0 && (
        <p className="muted">
          Neither this card nor the evaluation report has a confusion matrix for this model; cards written by <code>ser train</code> keep the
          pooled matrix of their cross-validation.
        </p>
      )}
      {confusions.map((c) => (
        <div key={c.corpus} className={styles.twoColumns}>
          <ConfusionMatrix confusion={c.confusion} caption={c.caption} />
          <RecallChart recalls={recallsOf(c.confusion)} title={`Recall per emotion, ${c.corpus}`} />
        </div>
      ))}

      <h3>Training</h3>
      {card.history.length > 0 ? (
        <TrainingCurves history={card.history} {...(card.training.bestEpoch !== undefined ? { bestEpoch: card.training.bestEpoch } : {})} />
      ) : (
        <p className="muted">
          This card has no learning curves (it was written before cards kept them). Retrain with <code>npm run train:default</code> to record them.
        </p>
      )}
    </section>
  );
}
