/**
 * Gradient kernels the training loop needs and a backend may lack. tfjs-backend-wasm 4.22 has no
 * `Conv2DBackpropFilter` (the weight gradient of Conv1D/Conv2D), so a conv net cannot train on it. Until a faster
 * backend (the native kernels of @ser/native) takes over, this registers a plain TypeScript implementation for the
 * active backend, only where none is registered: a backend that brings its own keeps it.
 */
import { tf } from '../tf-backend.js';

interface HeapBackend {
  readSync(dataId: unknown): ArrayLike<number>;
  makeOutput(shape: number[], dtype: 'float32'): tf.TensorInfo;
  typedArrayFromHeap(info: tf.TensorInfo): Float32Array;
}

/** Registers the missing training kernels for `backend` (default: the active one). Returns what it registered. */
export function ensureTrainingKernels(backend = tf.getBackend()): string[] {
  const added: string[] = [];
  if (!tf.getKernel('Conv2DBackpropFilter', backend) && backend === 'wasm') {
    tf.registerKernel({ kernelName: 'Conv2DBackpropFilter', backendName: backend, kernelFunc: conv2dBackpropFilterWasm as unknown as tf.KernelFunc });
    added.push('Conv2DBackpropFilter');
  }
  return added;
}

interface BackpropFilterAttrs {
  strides: [number, number] | number;
  pad: 'valid' | 'same' | number | number[][];
  dataFormat: 'NHWC' | 'NCHW';
  dimRoundingMode?: 'floor' | 'round' | 'ceil';
  filterShape: [number, number, number, number];
}

function conv2dBackpropFilterWasm(args: { inputs: { x: tf.TensorInfo; dy: tf.TensorInfo }; backend: HeapBackend; attrs: BackpropFilterAttrs }): tf.TensorInfo {
  const { inputs, backend, attrs } = args;
  if (attrs.dataFormat !== 'NHWC') throw new Error('Conv2DBackpropFilter (ser fallback): only NHWC is supported');
  const info = tf.backend_util.computeConv2DInfo(
    inputs.x.shape as [number, number, number, number],
    attrs.filterShape,
    attrs.strides,
    1,
    attrs.pad as 'valid',
    attrs.dimRoundingMode,
    false,
    'channelsLast',
  );
  const x = backend.readSync(inputs.x.dataId) as Float32Array;
  const dy = backend.readSync(inputs.dy.dataId) as Float32Array;
  const [kh, kw, ci, co] = attrs.filterShape;
  const dw = new Float64Array(kh * kw * ci * co);
  const { batchSize, inHeight, inWidth, outHeight, outWidth, strideHeight, strideWidth } = info;
  const top = info.padInfo.top;
  const left = info.padInfo.left;
  for (let n = 0; n < batchSize; n++) {
    for (let oh = 0; oh < outHeight; oh++) {
      for (let ow = 0; ow < outWidth; ow++) {
        const dyBase = ((n * outHeight + oh) * outWidth + ow) * co;
        for (let fh = 0; fh < kh; fh++) {
          const ih = oh * strideHeight + fh - top;
          if (ih < 0 || ih >= inHeight) continue;
          for (let fw = 0; fw < kw; fw++) {
            const iw = ow * strideWidth + fw - left;
            if (iw < 0 || iw >= inWidth) continue;
            const xBase = ((n * inHeight + ih) * inWidth + iw) * ci;
            const wBase = (fh * kw + fw) * ci * co;
            for (let c = 0; c < ci; c++) {
              const xv = x[xBase + c]!;
              if (xv === 0) continue;
              const row = wBase + c * co;
              for (let o = 0; o < co; o++) dw[row + o]! += xv * dy[dyBase + o]!;
            }
          }
        }
      }
    }
  }
  const out = backend.makeOutput([kh, kw, ci, co], 'float32');
  backend.typedArrayFromHeap(out).set(dw);
  return out;
}
