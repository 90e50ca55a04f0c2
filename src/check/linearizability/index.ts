export * from './history.js';
export * from './models.js';
export * from './search.js';
export * from './report.js';
export * from './record.js';
export * from './page.js';
export * from './window.js';
