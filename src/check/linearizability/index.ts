export * from './history.js';
export * from './models.js';
export * from './search.js';
export * from './report.js';
export * from './record.js';
