import { captureWorkletSource } from '../../../lib/browser/capture-worklet';

/** The Live page's AudioWorklet module (see lib/browser/capture-worklet.ts): static, built once. */
export const dynamic = 'force-static';

export function GET() {
  return new Response(captureWorkletSource, {
    headers: { 'Content-Type': 'text/javascript; charset=utf-8', 'Cache-Control': 'public, max-age=3600' },
  });
}
