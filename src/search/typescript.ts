import { register } from 'node:module';

/**
 * Whether this code runs compiled (an installed package: `dist/*.js`) or as its
 * TypeScript sources (a checkout, through tsx or vitest). A checkout's scenarios import
 * `../src/…` and must share the CLI's modules, so a checkout never runs `dist/`.
 */
export const compiled = import.meta.url.endsWith('.js');

/**
 * Makes user scenario files in TypeScript importable, once per thread (the CLI's and
 * each search worker's: module hooks are per thread in Node 20).
 *
 * - Compiled, nothing transpiles TypeScript yet: tsx's ESM hooks are registered here,
 *   on the first scenario, so `sim --version` never loads esbuild.
 * - A `.ts` file outside `node_modules` is loaded as an ES module whatever its
 *   package.json says. In a fresh `npm init -y` project (no `"type": "module"`) Node
 *   and tsx would load it as CommonJS, and its `import … from 'dst-sim'` would then
 *   `require()` the package: Node 20 gives require(esm) a second copy of every module
 *   (a second kernel, whose ConfigError the CLI's `instanceof` does not know), or
 *   refuses it as a cycle. A scenario is written with `import`/`export`, so ESM is
 *   what its author meant. The hook is a data: URL so that it needs no file of its own
 *   in either layout (Node loads hook modules itself, before any TypeScript support).
 */
let enabled: Promise<void> | undefined;
export function enableTypeScriptScenarios(): Promise<void> {
  enabled ??= (async () => {
    if (compiled) (await import('tsx/esm/api')).register();
    register(`data:text/javascript,${encodeURIComponent(SCENARIOS_AS_ES_MODULES)}`);
  })();
  return enabled;
}

const SCENARIOS_AS_ES_MODULES = `
const own = (url) => /\\.ts$/.test(new URL(url).pathname) && !url.includes('/node_modules/');
export async function resolve(specifier, context, next) {
  const resolved = await next(specifier, context);
  return own(resolved.url) ? { ...resolved, format: 'module' } : resolved;
}
export async function load(url, context, next) {
  return next(url, own(url) ? { ...context, format: 'module' } : context);
}
`;
