export * from './metrics.js';
export * from './protocols.js';
