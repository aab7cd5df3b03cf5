// The engine contract lives in @ser/native (the lower layer) so the addon's wrapper and the TypeScript twin share it.
export type {
  Matrix,
  StftParams,
  MelParams,
  DbParams,
  MfccParams,
  ChromaStftParams,
  ContrastParams,
  HpssParams,
  ChromaCqtParams,
  FeatureName,
  FeatureRequest,
  FeatureResult,
  FeatureEngine,
} from '@ser/native/types';
// The subpath keeps the addon's loader (node:module) out of browser bundles.
export { defaultRequest } from '@ser/native/types';
