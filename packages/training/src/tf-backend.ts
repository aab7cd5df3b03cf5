/**
 * TensorFlow.js with the fastest backend this machine offers. @tensorflow/tfjs-node(-gpu) cannot be installed
 * offline (its install downloads libtensorflow), so the WebAssembly backend is the default, the plain JS one the
 * fallback.
 */
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';

let ready: Promise<string> | undefined;

/** Resolves to the backend in use ("wasm" or "cpu"). */
export function initTf(): Promise<string> {
  ready ??= (async () => {
    try {
      if (await tf.setBackend('wasm')) {
        await tf.ready();
        return tf.getBackend();
      }
    } catch {
      // fall through to the JS backend
    }
    await tf.setBackend('cpu');
    await tf.ready();
    return tf.getBackend();
  })();
  return ready;
}

export { tf };
