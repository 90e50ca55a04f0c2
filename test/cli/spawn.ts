import { spawnSync } from 'node:child_process';

/** The project's root: the CLI runs from there, as a user's `npx sim` would. */
export const root = new URL('../../', import.meta.url).pathname;

/** The CLI as a user runs it, in its own process (each spawn costs about half a second: keep them few). */
export function sim(...args: string[]): { code: number | null; out: string; err: string } {
  const run = spawnSync(process.execPath, ['bin/sim.js', ...args], { cwd: root, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1', FORCE_COLOR: '0' } });
  return { code: run.status, out: run.stdout, err: run.stderr };
}
