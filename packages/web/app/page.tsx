import type { Metadata } from 'next';
import { AnalyseView } from '../components/analyse/analyse-view';

export const metadata: Metadata = { title: 'Analyse' };

export default function AnalysePage() {
  return <AnalyseView />;
}
