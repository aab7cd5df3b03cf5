import type { Metadata } from 'next';
import { ModelComparison } from '../../components/models/model-comparison';
import { ModelList } from '../../components/models/model-list';
import { listModels, readReport } from '../../components/models/model-store';
import styles from '../../components/models/models.module.css';

export const metadata: Metadata = { title: 'Models' };
// Models and the report are files that change after the build (a new training run, `npm run eval`): read them per request.
export const dynamic = 'force-dynamic';

export default async function ModelsPage() {
  const [models, lookup] = await Promise.all([listModels(), readReport()]);
  return (
    <div className={styles.page}>
      <h1>Models</h1>
      <p className={`muted ${styles.lead}`}>
        Each folder under <code>models/</code> holds <code>model.onnx</code> and its card: what it predicts, what it was trained on, and how well it
        does on speakers it never heard.
      </p>
      <ModelList models={models} />
      <ModelComparison models={models} lookup={lookup} />
    </div>
  );
}
