/**
 * `npm run bench`: runs every `bench/*.bench.ts` in name order. Each prints its own
 * figures; this prints the machine they were measured on first.
 */
import { readdirSync } from 'node:fs';
import { availableParallelism, cpus } from 'node:os';
import { fileURLToPath, pathToFileURL } from 'node:url';

const here = fileURLToPath(new URL('.', import.meta.url));
console.log(`machine: node ${process.version}, ${availableParallelism()} cores (${cpus()[0]?.model ?? 'unknown cpu'})`);
const only = process.argv.slice(2);
for (const file of readdirSync(here).filter((f) => f.endsWith('.bench.ts')).sort()) {
  if (only.length > 0 && !only.some((name) => file.startsWith(name))) continue;
  console.log(`\n# ${file.replace('.bench.ts', '')}`);
  await import(pathToFileURL(here + file).href);
}
