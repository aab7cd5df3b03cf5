export default function AnalysePage() {
  return <h1>Analyse</h1>;
}
