export { exportOnnx, DEFAULT_OPSET, type OnnxExportOptions, type OnnxOpset } from './export.js';
export {
  verifyOnnx,
  exportVerified,
  DEFAULT_TOLERANCE,
  type OnnxVerification,
  type OnnxVerifyOptions,
  type VerifiedOnnxExport,
} from './verify.js';
export { OnnxExportError } from './errors.js';
export { loadLayersModelFile } from './load-tfjs.js';
export { SUPPORTED_ACTIVATIONS } from './converters/activations.js';
export { EXPORTABLE_LAYERS } from './converters/index.js';
