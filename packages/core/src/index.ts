export * from './errors.js';
export * from './audio/index.js';
export * from './corpus/index.js';
export * from './random.js';
