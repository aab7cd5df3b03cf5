import { EmotionModelCore, ModelError } from '@ser/core/browser';
import type * as OrtWeb from 'onnxruntime-web/wasm';

/**
 * Fetches a model folder served by the dashboard (`<modelUrl>/card.json` and `<modelUrl>/model.onnx`) and opens it
 * with onnxruntime-web on one wasm thread: several threads would need SharedArrayBuffer, which needs cross-origin
 * isolation headers the dashboard does not send, and one thread classifies a 3 s window in a fraction of a second.
 * `wasmPaths` is where onnxruntime-web's own files are served (public/ort/, copied there at build time), so nothing
 * is fetched from a CDN.
 */
export async function loadModel(ort: typeof OrtWeb, modelUrl: string, wasmPaths: string): Promise<EmotionModelCore> {
  ort.env.wasm.numThreads = 1;
  ort.env.wasm.proxy = false;
  ort.env.wasm.wasmPaths = wasmPaths;
  const [card, onnx] = await Promise.all([fetchOk(`${modelUrl}/card.json`).then((r) => r.json() as Promise<unknown>), fetchOk(`${modelUrl}/model.onnx`).then((r) => r.arrayBuffer())]);
  return EmotionModelCore.fromBytes(card, new Uint8Array(onnx), {
    runtime: ort,
    source: new URL(modelUrl).pathname,
    fix: 'check the model folder the dashboard serves',
  });
}

async function fetchOk(url: string): Promise<Response> {
  const path = new URL(url).pathname;
  let response: Response;
  try {
    response = await fetch(url, { credentials: 'same-origin' });
  } catch (err) {
    throw new ModelError(`GET ${path} failed (${(err as Error).message}); is the dashboard server still running?`);
  }
  if (!response.ok) {
    // The dashboard's API answers errors as { error: "..." }; anything else is reported by status alone.
    const detail = await response
      .json()
      .then((body: { error?: unknown }) => (typeof body.error === 'string' ? `: ${body.error}` : ''))
      .catch(() => '');
    throw new ModelError(`GET ${path} answered ${response.status} ${response.statusText}${detail}`);
  }
  return response;
}
