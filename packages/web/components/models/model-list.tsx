import Link from 'next/link';
import { Fragment } from 'react';
import { emotionColour, percent1, textOnEmotion } from '../common/emotions';
import type { ModelOverview } from './evaluation-types';
import { protocolLines } from './figures';
import { formatBytes, formatDate } from './format';
import styles from './models.module.css';

/** The emotions a model predicts, in its output order, as coloured chips. */
export function LabelChips({ labels }: { labels: readonly string[] }) {
  return (
    <ul className={styles.chips} aria-label="Labels">
      {labels.map((l) => (
        <li key={l} style={{ background: emotionColour(l), color: textOnEmotion(l) }}>
          {l}
        </li>
      ))}
    </ul>
  );
}

function ModelTile({ model }: { model: ModelOverview }) {
  const card = model.card;
  return (
    <li>
      <article className={`panel ${styles.card} ${card ? '' : styles.error}`} aria-labelledby={`model-${model.folder}`}>
        <h2 id={`model-${model.folder}`}>
          <Link href={`/models/${encodeURIComponent(model.folder)}`}>{model.folder}</Link>
        </h2>
        {card ? (
          <>
            <p>{card.description}</p>
            <LabelChips labels={card.labels} />
            <dl className={styles.facts}>
              <dt>Architecture</dt>
              <dd>
                {card.architecture} on {card.input.preset}
              </dd>
              <dt>Trained on</dt>
              <dd>{card.corpora.map((c) => `${c.name} (${c.files} files, ${c.speakers} speakers)`).join('; ') || 'not recorded'}</dd>
              {card.crossValidation.map((cv) => (
                <Fragment key={cv.corpus}>
                  <dt>UAR, {cv.corpus}</dt>
                  <dd>
                    {percent1(cv.uar.mean)}
                    {cv.runs > 1 ? ` ± ${percent1(cv.uar.std)}` : ''}
                    <br />
                    <span className="muted">{protocolLines(cv.protocol).join(', ')}</span>
                  </dd>
                </Fragment>
              ))}
              <dt>Size</dt>
              <dd>{model.bytes !== undefined ? formatBytes(model.bytes) : 'unknown'}</dd>
              <dt>Created</dt>
              <dd>{formatDate(card.createdAt)}</dd>
            </dl>
          </>
        ) : (
          <p className="error">{model.error}</p>
        )}
      </article>
    </li>
  );
}

export function ModelList({ models }: { models: readonly ModelOverview[] }) {
  if (models.length === 0) {
    return (
      <div className={`panel ${styles.notice}`}>
        <p>
          No models in <code>models/</code>. Train one with <code>npm run train:default</code>, or <code>ser train &lt;corpus&gt; --out models/&lt;name&gt;</code>.
        </p>
      </div>
    );
  }
  return (
    <ul className={styles.cards}>
      {models.map((m) => (
        <ModelTile key={m.folder} model={m} />
      ))}
    </ul>
  );
}
