export * from './errors.js';
export * from './audio/index.js';
export * from './corpus/index.js';
export * from './random.js';
export * from './features/index.js';
export * from './eval/index.js';
export * from './inference/index.js';
