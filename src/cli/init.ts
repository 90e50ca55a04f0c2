/** `sim init [dir]`: a starter scenario, a README for the folder, and a CI workflow, in a user's project. */
import chalk from 'chalk';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { cannotWrite, UsageError } from './common.js';

const STARTER_SCENARIO = `import { defineScenario, ms, seconds, type NodeModel, type Property } from 'dst-sim';

/**
 * An id server and two clients. The server hands out ids from a counter it keeps on
 * disk; it crashes and restarts, and is paused, at random times (faultMix). The
 * property: no id is ever handed out twice.
 *
 * Safe as written. To watch it fail: move the \`ctx.disk.set\` line below the reply
 * (or delete it), then \`npx sim run scenarios/example.ts\`, and \`sim\` finds a seed
 * where a crash makes the server hand out an id again, shrinks the faults, and prints
 * the story and the command that reproduces it.
 */
const idServer: NodeModel = (ctx) => {
  // Everything not read back from ctx.disk is lost in a crash: this function runs again at every restart.
  let next = ctx.disk.get<number>('next') ?? 1;
  return {
    onMessage(_body: { op: 'next-id' }, request) {
      const id = next++;
      ctx.disk.set('next', next); // persisted (synced) before the answer leaves
      ctx.reply(request, { id });
    },
  };
};

/** A client: asks for an id, waits up to 50 ms for the answer, then 5-20 ms before asking again. */
const client: NodeModel = (node) =>
  void node.spawn(async (ctx) => {
    for (;;) {
      const reply = await ctx.call<{ id: number }>('ids', { op: 'next-id' }, ms(50));
      if (reply.ok) ctx.fact('id-received', { id: reply.body.id });
      await ctx.sleep(ctx.random.int(ms(5), ms(20)));
    }
  });

/** Judges what really happened (the ids clients received), never what a node believes. */
function uniqueIds(): Property {
  const receivedBy = new Map<number, string>();
  return {
    name: 'unique-ids',
    watches: ['id-received'],
    observe(fact) {
      const id = fact.data.id as number;
      const earlier = receivedBy.get(id);
      if (earlier !== undefined) return { message: \`\${fact.node} received id \${id}, which \${earlier} had received already\`, nodes: [fact.node, earlier] };
      receivedBy.set(id, fact.node);
      return undefined;
    },
  };
}

export default defineScenario({
  description: 'an id server that persists its counter before answering, crashed and paused at random',
  expect: 'safe',
  duration: seconds(10),
  seeds: 200,
  build(world) {
    world.node('ids', idServer);
    for (const id of ['client-1', 'client-2']) world.node(id, client);
    world.property(uniqueIds());
  },
  faultMix: { count: [1, 4], window: [ms(500), seconds(9)], weights: { crash: 1, pause: 1 }, nodes: ['ids', 'client-1', 'client-2'], duration: [ms(100), seconds(1)] },
});
`;

const SCENARIOS_README = `# Scenarios

Each \`*.ts\` file here is a [sim](https://www.npmjs.com/package/dst-sim) scenario: a
system (nodes as handlers, generators or async functions), the faults it suffers, and
the properties that judge what really happened. Every run is a pure function of its
seed, so a failure found once reproduces exactly.

\`\`\`sh
npx sim run scenarios/example.ts             # search its seeds; a failure is shrunk and told as a story
npx sim run scenarios/example.ts --seed 7    # exactly one run
npx sim check                                # every scenario against its expected verdict (CI)
\`\`\`

A scenario says what it expects: \`expect: 'safe'\`, or \`expect: { violates: 'property' }\` for
a design kept to show a known bug. \`sim check\` fails when the seeds disagree.
`;

const WORKFLOW = `# sim check: every scenario in scenarios/ over its seeds, against its expected verdict.
name: sim
on: [push, pull_request]
jobs:
  sim:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
      - uses: actions/setup-node@v4
        with:
          node-version: 20
          cache: npm
      - run: npm ci
      - run: npx sim check --junit sim-results.xml
      - if: always()
        uses: actions/upload-artifact@v4
        with:
          name: sim-results
          path: sim-results.xml
`;

/** What `sim init` writes, relative to the folder it is given. */
export const INIT_FILES: ReadonlyArray<{ path: string; text: string }> = [
  { path: 'scenarios/example.ts', text: STARTER_SCENARIO },
  { path: 'scenarios/README.md', text: SCENARIOS_README },
  { path: '.github/workflows/sim.yml', text: WORKFLOW },
];

/** Writes the starter files into `dir`, or none of them if any already exists. */
export function initCommand(dir: string): void {
  const shown = (path: string) => relative(process.cwd(), join(dir, path)) || path;
  const existing = INIT_FILES.filter((f) => existsSync(join(dir, f.path)));
  if (existing.length > 0) {
    const others = existing.length > 1 ? ` (and ${existing.slice(1).map((f) => shown(f.path)).join(', ')})` : '';
    throw new UsageError(`${shown(existing[0]!.path)}${others} already ${existing.length > 1 ? 'exist' : 'exists'}: sim init writes over no file, so it wrote nothing; move it away, or give another folder (sim init <dir>)`);
  }
  for (const { path, text } of INIT_FILES) {
    const target = join(dir, path);
    try {
      mkdirSync(dirname(target), { recursive: true });
      writeFileSync(target, text);
    } catch (error) {
      throw cannotWrite(shown(path), error);
    }
    console.log(`${chalk.green('wrote')} ${shown(path)}`);
  }
  const inFolder = shown('.') === '.' ? '' : ` (in ${shown('.')})`;
  console.log(`\nNext${inFolder}: ${chalk.bold('npm install --save-dev dst-sim')} if it is not installed yet, then ${chalk.bold('npx sim run scenarios/example.ts')} and ${chalk.bold('npx sim check')}.`);
}
