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
} from '@ser/native';
export { defaultRequest } from '@ser/native';
