export * from './classifier.js';
export * from './scaler.js';
export * from './models/index.js';
export * from './cross-validate.js';
export { initTf, tf, tfChoice, type TfChoice } from './tf-backend.js';
export * from './onnx/index.js';
export * from './deep/index.js';
export * from './native-kernels.js';
export * from './model-folder.js';
