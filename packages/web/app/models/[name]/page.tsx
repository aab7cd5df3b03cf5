import type { Metadata } from 'next';
import Link from 'next/link';
import { notFound } from 'next/navigation';
import { ModelCardDetails } from '../../../components/models/model-card-details';
import { ModelComparison } from '../../../components/models/model-comparison';
import { ModelEvaluation } from '../../../components/models/model-evaluation';
import { listModels, readModel, readReport } from '../../../components/models/model-store';
import styles from '../../../components/models/models.module.css';

export const dynamic = 'force-dynamic';

interface Props {
  params: Promise<{ name: string }>;
}

export async function generateMetadata({ params }: Props): Promise<Metadata> {
  const { name } = await params;
  return { title: `Model ${name}` };
}

export default async function ModelPage({ params }: Props) {
  const { name } = await params;
  const [model, models, lookup] = await Promise.all([readModel(name), listModels(), readReport()]);
  if (!model) notFound();
  const report = lookup.kind === 'found' ? lookup.report.results : undefined;
  return (
    <div className={styles.page}>
      <p>
        <Link href="/models">← All models</Link>
      </p>
      <h1>
        Model <code>{model.folder}</code>
      </h1>
      {model.card ? (
        <>
          <p className={`muted ${styles.lead}`}>{model.card.description}</p>
          <ModelCardDetails model={model} card={model.card} />
          <ModelEvaluation model={model} card={model.card} report={report} />
        </>
      ) : (
        <p role="alert" className="error">
          {model.error}
        </p>
      )}
      <ModelComparison models={models} lookup={lookup} />
    </div>
  );
}
