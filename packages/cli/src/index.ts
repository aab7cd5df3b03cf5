export { run } from './program.js';
export type { Io } from './io.js';
export { summarize, renderSummary, type AudioSummary } from './commands/info.js';
