#!/usr/bin/env node
// A checkout runs its TypeScript sources through tsx: an edit is live at once, and the
// repository's scenarios (which import ../src) share the CLI's modules. An installed
// package has no src/, only dist/: JavaScript compiled by `npm pack` (prepack), which
// starts without loading a transpiler. Either way, user scenario files stay TypeScript,
// loaded as they are (src/search/typescript.ts).
import { existsSync } from 'node:fs';

const sources = new URL('../src/cli/main.ts', import.meta.url);
if (existsSync(sources)) {
  (await import('tsx/esm/api')).register();
  await import(sources.href);
} else {
  await import('../dist/cli/main.js');
}
