// A worker thread starts without the main thread's module hooks: register tsx
// here too, so the worker can import TypeScript scenario files as `sim` does.
import { register } from 'tsx/esm/api';

register();
await import('./worker.ts');
