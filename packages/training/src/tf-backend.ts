/**
 * TensorFlow.js with the fastest backend this machine offers, chosen at run time:
 *
 *   '@tensorflow/tfjs-node-gpu' (when installed and a GPU is present) > '@tensorflow/tfjs-node' (when installed)
 *   > 'ser-native' (our C++ kernels from @ser/native, when the addon loads) > 'wasm' > 'cpu'.
 *
 * The tfjs-node packages are not dependencies (their install downloads libtensorflow, which fails offline); they are
 * imported dynamically, so their absence is fine. `SER_TF_BACKEND` forces one ('tensorflow', 'ser-native', 'wasm',
 * 'cpu'); forcing an unavailable one is an error naming the alternatives.
 */
import { existsSync } from 'node:fs';

import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';

import { TrainingError } from './classifier.js';
import { NATIVE_BACKEND, nativeBackendError, registerNativeBackend } from './native-kernels.js';

/** What initTf() chose and why (also printed once when SER_TF_VERBOSE=1). */
export interface TfChoice {
  /** tf.getBackend() after the choice: 'tensorflow', 'ser-native', 'wasm' or 'cpu'. */
  backend: string;
  /** The package providing it. */
  source: '@tensorflow/tfjs-node-gpu' | '@tensorflow/tfjs-node' | '@ser/native' | '@tensorflow/tfjs-backend-wasm' | '@tensorflow/tfjs';
  /** Why each faster option was skipped. */
  skipped: string[];
}

const KNOWN = ['tensorflow', NATIVE_BACKEND, 'wasm', 'cpu'] as const;

let ready: Promise<TfChoice> | undefined;

function hasGpu(): boolean {
  return existsSync('/dev/nvidia0') || existsSync('/dev/nvidiactl') || existsSync('/proc/driver/nvidia/version');
}

/** Imports an optional package (a variable specifier: the compiler does not resolve it, so it may be absent). */
async function optionalImport(name: string): Promise<boolean> {
  try {
    await import(/* @vite-ignore */ name);
    return true;
  } catch {
    return false;
  }
}

async function use(name: string): Promise<boolean> {
  try {
    if (!(await tf.setBackend(name))) return false;
    await tf.ready();
    return tf.getBackend() === name;
  } catch {
    return false;
  }
}

function why(e: unknown): string {
  return e instanceof Error ? (e.message.split('\n')[0] ?? e.message) : String(e);
}

async function choose(): Promise<TfChoice> {
  const forced = process.env['SER_TF_BACKEND']?.trim();
  const skipped: string[] = [];
  if (forced) {
    if (!(KNOWN as readonly string[]).includes(forced)) {
      throw new TrainingError(`SER_TF_BACKEND='${forced}' is not a backend; use one of ${KNOWN.join(', ')}`);
    }
    let source: TfChoice['source'] = '@tensorflow/tfjs';
    if (forced === 'tensorflow') {
      if (hasGpu() && (await optionalImport('@tensorflow/tfjs-node-gpu'))) source = '@tensorflow/tfjs-node-gpu';
      else if (await optionalImport('@tensorflow/tfjs-node')) source = '@tensorflow/tfjs-node';
    } else if (forced === NATIVE_BACKEND) {
      source = '@ser/native';
      if (!registerNativeBackend()) {
        throw new TrainingError(`SER_TF_BACKEND='${NATIVE_BACKEND}' but @ser/native did not load: ${why(nativeBackendError())}`);
      }
    } else if (forced === 'wasm') {
      source = '@tensorflow/tfjs-backend-wasm';
    }
    if (!(await use(forced))) throw new TrainingError(`SER_TF_BACKEND='${forced}': that backend could not be initialised here`);
    return { backend: tf.getBackend(), source, skipped };
  }

  if (!hasGpu()) {
    skipped.push('@tensorflow/tfjs-node-gpu: no GPU');
  } else if (!(await optionalImport('@tensorflow/tfjs-node-gpu'))) {
    skipped.push('@tensorflow/tfjs-node-gpu: not installed');
  } else if (await use('tensorflow')) {
    return { backend: tf.getBackend(), source: '@tensorflow/tfjs-node-gpu', skipped };
  } else {
    skipped.push('@tensorflow/tfjs-node-gpu: did not initialise');
  }
  if (!(await optionalImport('@tensorflow/tfjs-node'))) {
    skipped.push('@tensorflow/tfjs-node: not installed');
  } else if (await use('tensorflow')) {
    return { backend: tf.getBackend(), source: '@tensorflow/tfjs-node', skipped };
  } else {
    skipped.push('@tensorflow/tfjs-node: did not initialise');
  }
  if (!registerNativeBackend()) {
    skipped.push(`@ser/native: ${why(nativeBackendError())}`);
  } else if (await use(NATIVE_BACKEND)) {
    return { backend: tf.getBackend(), source: '@ser/native', skipped };
  } else {
    skipped.push('@ser/native: the ser-native backend did not initialise');
  }
  if (await use('wasm')) return { backend: tf.getBackend(), source: '@tensorflow/tfjs-backend-wasm', skipped };
  skipped.push('@tensorflow/tfjs-backend-wasm: did not initialise');
  await tf.setBackend('cpu');
  await tf.ready();
  return { backend: tf.getBackend(), source: '@tensorflow/tfjs', skipped };
}

/** The backend choice (initialising TensorFlow.js on first call). */
export function tfChoice(): Promise<TfChoice> {
  ready ??= choose().then((c) => {
    quietBanner();
    if (process.env['SER_TF_VERBOSE'] === '1') {
      console.log(`tfjs backend: ${c.backend} (${c.source})${c.skipped.length ? `; skipped: ${c.skipped.join('; ')}` : ''}`);
    }
    return c;
  });
  return ready;
}

/**
 * tfjs's cpu backend (and ser-native, built on it) prints a "Hi, looks like you are running TensorFlow.js in Node.js"
 * banner on its first tensor; we print our own choice, so the banner only adds noise to progress output.
 */
function quietBanner(): void {
  const backend = tf.backend() as unknown as { firstUse?: boolean };
  if (typeof backend.firstUse === 'boolean') backend.firstUse = false;
}

/** Resolves to the backend in use ('tensorflow', 'ser-native', 'wasm' or 'cpu'). */
export async function initTf(): Promise<string> {
  return (await tfChoice()).backend;
}

export { tf };
