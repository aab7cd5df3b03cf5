export * from './card.js';
export * from './emotion-model.js';
export * from './segments.js';
export * from './standardise.js';
export * from './model-core.js';
