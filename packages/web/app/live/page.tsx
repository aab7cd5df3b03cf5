import type { Metadata } from 'next';
import { LivePanel } from '../../components/live/live-panel';

export const metadata: Metadata = {
  title: 'Live',
  description: 'Follow the emotion in your voice as you speak, classified in the browser: the audio never leaves it.',
};

/** The default model, fetched once by the page's worker from this dashboard (never from elsewhere). */
const MODEL_URL = '/api/models/default';

export default function LivePage() {
  return (
    <>
      <h1>Live</h1>
      <p>
        Speak into your microphone: every second the model classifies the last three seconds, whenever the voice gate
        hears speech.
      </p>
      <p className="muted">
        Everything runs in this browser tab (onnxruntime-web and the TypeScript feature engine, in a worker): your audio is
        never uploaded, recorded or stored. Only the model itself is downloaded, once, from this dashboard.
      </p>
      <LivePanel modelUrl={MODEL_URL} />
    </>
  );
}
