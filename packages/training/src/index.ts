export * from './classifier.js';
export * from './scaler.js';
export * from './models/index.js';
export * from './cross-validate.js';
export { initTf } from './tf-backend.js';
export * from './onnx/index.js';
