import { spawnSync } from 'node:child_process';
import { expect, it } from 'vitest';

// The page's script (src/report/page/*.js) runs in a browser, so it has a
// tsconfig of its own (DOM globals, no Node ones) that the root `tsc --noEmit`
// does not see: this runs it, so a type error in the page fails `npm test`.
it('the report page script type-checks against the DOM and the data html.ts embeds', () => {
  const tsc = spawnSync(process.execPath, ['node_modules/typescript/bin/tsc', '--noEmit', '-p', 'src/report/page'], { encoding: 'utf8' });
  expect(tsc.stdout + tsc.stderr).toBe('');
  expect(tsc.status).toBe(0);
});
