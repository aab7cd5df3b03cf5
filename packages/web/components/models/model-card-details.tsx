import type { ModelOverview } from './evaluation-types';
import { formatBytes, formatDate } from './format';
import { LabelChips } from './model-list';
import styles from './models.module.css';

type Card = NonNullable<ModelOverview['card']>;

function inputText(input: Card['input']): string {
  const window = input.window ? `, windows of ${input.window.frames} frames every ${input.window.hop}` : '';
  return `${input.preset} features at ${input.sampleRate / 1000} kHz, tensor [${input.shape.join(' × ')}]${window}`;
}

/** What the card says the model is: labels, input, data and its licences, how and when it was trained. */
export function ModelCardDetails({ model, card }: { model: ModelOverview; card: Card }) {
  const t = card.training;
  return (
    <section className={`panel ${styles.section}`} aria-labelledby="card-heading">
      <h2 id="card-heading">Model card</h2>
      <dl className={styles.facts}>
        <dt>Name</dt>
        <dd>{card.name}</dd>
        <dt>Labels</dt>
        <dd>
          <LabelChips labels={card.labels} />
        </dd>
        <dt>Architecture</dt>
        <dd>{card.architecture}</dd>
        <dt>Input</dt>
        <dd>{inputText(card.input)}</dd>
        <dt>Normalisation</dt>
        <dd>{card.normalization}</dd>
        <dt>Protocol</dt>
        <dd>{card.protocol || 'not recorded'}</dd>
        <dt>Training backend</dt>
        <dd>
          {card.backend} (TensorFlow.js), exported as ONNX opset {card.opset}
        </dd>
        {t.epochs !== undefined && (
          <>
            <dt>Epochs</dt>
            <dd>
              {t.epochs}
              {t.bestEpoch !== undefined ? `, weights of epoch ${t.bestEpoch} kept` : ''}
              {t.stoppedEarly ? ' (stopped early)' : ''}
              {t.seconds !== undefined ? `, ${Math.round(t.seconds)} s` : ''}
              {t.seed !== undefined ? `, seed ${t.seed}` : ''}
            </dd>
          </>
        )}
        {t.onnxParity && (
          <>
            <dt>ONNX parity</dt>
            <dd>
              largest difference {t.onnxParity.maxAbsDiff.toExponential(1)} over {t.onnxParity.examples} examples (tolerance {t.onnxParity.tolerance})
            </dd>
          </>
        )}
        <dt>Created</dt>
        <dd>{formatDate(card.createdAt)}</dd>
        <dt>Size</dt>
        <dd>{model.bytes !== undefined ? `${formatBytes(model.bytes)} (model.onnx)` : 'unknown'}</dd>
      </dl>
      <h3>Training data and licences</h3>
      {card.corpora.length > 0 ? (
        <div className={styles.tableScroller}>
          <table>
            <thead>
              <tr>
                <th scope="col">Corpus</th>
                <th scope="col" className={styles.numeric}>
                  Files
                </th>
                <th scope="col" className={styles.numeric}>
                  Speakers
                </th>
                <th scope="col">Licence</th>
              </tr>
            </thead>
            <tbody>
              {card.corpora.map((c) => (
                <tr key={c.name}>
                  <th scope="row">{c.name}</th>
                  <td className={styles.numeric}>{c.files}</td>
                  <td className={styles.numeric}>{c.speakers}</td>
                  <td>{c.licence}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : (
        <p className="muted">The card does not list its training data.</p>
      )}
    </section>
  );
}
