export * from './card.js';
export * from './emotion-model.js';
export * from './segments.js';
