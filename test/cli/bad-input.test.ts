import { fc, test as fcTest } from '@fast-check/vitest';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { runCli } from '../../src/cli/program.js';

/**
 * Bad input, as a hostile or hurried user gives it: every row is arguments (and the
 * files they name), the exit code expected, and a fragment of the one line that
 * must say what is wrong. Every row must end with that code, one line of substance
 * on stderr (commander's fixed "(sim --help …)" hint aside) and no stack trace.
 * The CLI runs in this process (`runCli`), so the table costs milliseconds a row.
 */

const root = new URL('../../', import.meta.url).pathname;
const dir = mkdtempSync(join(root, 'test', '.tmp-bad-input-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const kernel = relative(dir, join(root, 'src/kernel/index.js'));
let files = 0;

/** Writes a file into the row's folder and gives its path as the CLI should see it. */
function file(name: string, text: string): string {
  const path = join(dir, `${files++}-${name}`);
  writeFileSync(path, text);
  return relative(root, path);
}

/**
 * A small valid scenario with parts replaced: two nodes ping, a property watches the
 * pings. `fields` is spliced into the defineScenario object; `faults` is what its
 * faults() returns; `build` replaces its build body.
 */
function scenario(parts: { fields?: string; faults?: string; build?: string; expect?: string } = {}): string {
  return file('scenario.ts', `
import { defineScenario, ms, seconds } from '${kernel}';
const pinger = (ctx) => {
  ctx.setTimer(ms(100), 'ping');
  return { onTimer() { ctx.send('b', 'ping'); ctx.fact('ping', {}); ctx.setTimer(ms(100), 'ping'); } };
};
export default defineScenario({
  description: 'two nodes ping',
  expect: ${parts.expect ?? "'safe'"},
  duration: seconds(2),
  seeds: 2,
  build(world) {
    ${parts.build ?? "world.node('a', pinger); world.node('b', () => ({})); world.property({ name: 'quiet', watches: ['ping'], observe: () => undefined });"}
  },
  ${parts.faults === undefined ? '' : `faults: () => ${parts.faults},`}
  ${parts.fields ?? ''}
});
`);
}

/** A replay file of the scenario above with parts replaced. */
function replay(over: Record<string, unknown> = {}, scenarioPath = scenario()): string {
  const body = {
    format: 'sim-replay/1', expectation: 'x', expect: 'safe', scenario: relative(dir, join(root, scenarioPath)),
    seed: 1, faults: [], overrides: {}, tool: '0.1.0', ...over,
  };
  return file('replay.json', JSON.stringify(body));
}

const history = (lines: unknown[]) => file('history.jsonl', lines.map((l) => (typeof l === 'string' ? l : JSON.stringify(l))).join('\n'));
const ev = (process: string, type: string, f: string, time: number, extra: object = {}) => ({ process, type, f, time, ...extra });

type Row = [label: string, args: () => string[], code: number, fragment: string | RegExp];
const fault = (f: string) => scenario({ faults: `[${f}]` });
const run = (path: string, ...more: string[]) => ['run', path, '--seed', '1', '-q', ...more];

/** A published-story scenario on the lease lock whose clients follow `script` (a JS list). */
function leaseScript(script: string): string {
  const system = relative(dir, join(root, 'src/designs/lease-lock/system.js'));
  return file('story.ts', `
import { defineScenario, seconds } from '${kernel}';
import { leaseLockSystem } from '${system}';
export default defineScenario({ description: 'a story', expect: 'safe', seeds: 1, ...leaseLockSystem({ fencing: true, script: ${script} }) });
`);
}

/** A scenario on a design: `imports` maps a file under src/designs/ to the names taken from it; `spec` is spread into defineScenario. */
function designStory(imports: Record<string, string>, spec: string): string {
  const lines = Object.entries(imports).map(([from, names]) => `import { ${names} } from '${relative(dir, join(root, 'src/designs', from))}';`);
  return file('design-story.ts', `
import { defineScenario, ms, seconds } from '${kernel}';
${lines.join('\n')}
export default defineScenario({ description: 'a story', expect: 'safe', seeds: 1, ...${spec}, duration: seconds(2) });
`);
}
const redlockStory = (options: string) => designStory({ 'redlock/system.js': 'redlockSystemWith' }, `redlockSystemWith(${options})`);
const raftLockStory = (script: string) => designStory({ 'raft-lock/system.js': 'raftLockSystem' }, `raftLockSystem({ renewal: 'corrected', fencing: true, script: ${script} })`);
const timelineStory = (script: string) =>
  designStory(
    { 'timeline/chaos.js': 'scenarioSystem', 'timeline/system.js': 'buildTimeline' },
    `{ build: (world) => void buildTimeline(world, scenarioSystem({ celebrityThreshold: Infinity, ack: 'after-pushes', insert: 'by-id' }, { workload: { script: ${script} }, duration: seconds(2) })) }`,
  );
const schedulerStory = (script: string) =>
  designStory({ 'scheduler/system.js': 'schedulerSystem' }, `schedulerSystem({ worker: 'corrected', election: 'raft', promotion: 'corrected', effects: 'by-task', script: ${script} })`);
const kafkaStory = (script: string) =>
  designStory({ 'kafka/system.js': 'baseSystem, buildKafka' }, `{ build: (world) => buildKafka(world, { ...baseSystem(seconds(2)), workload: { script: ${script} } }) }`);

/** A scenario with one node that accepts the steering action 'nap' (lasting) and these faults. */
function steered(faults: string): string {
  return file('steered.ts', `
import { defineScenario, ms, seconds, steerable } from '${kernel}';
export default defineScenario({
  description: 'a steered node', expect: 'safe', duration: seconds(2), seeds: 1,
  build(world) { world.node('s', steerable(() => ({}), { nap: 'lasting' })); world.node('b', () => ({})); },
  faults: () => ${faults},
});
`);
}

const rows: Row[] = [
  // The command line itself.
  ['unknown command', () => ['nope'], 2, "unknown command 'nope'"],
  ['run without a scenario', () => ['run'], 2, "missing required argument 'scenario'"],
  ['unknown option', () => ['run', 'scenarios/redlock-skew.ts', '--bogus'], 2, "unknown option '--bogus'"],
  ['negative seed', () => ['run', 'scenarios/redlock-skew.ts', '--seed', '-1'], 2, /--seed/],
  ['seed not a number', () => ['run', 'scenarios/redlock-skew.ts', '--seed', 'abc'], 2, '--seed must be an integer of at least 0'],
  ['seed beyond safe integers', () => ['run', 'scenarios/redlock-skew.ts', '--seed', '99999999999999999999'], 2, '--seed must be an integer'],
  ['seed as a float', () => ['run', 'scenarios/redlock-skew.ts', '--seed', '1.5'], 2, '--seed must be an integer'],
  ['zero seeds', () => ['run', 'scenarios/redlock-skew.ts', '--seeds', '0'], 2, '--seeds must be an integer of at least 1'],
  ['reversed seed range', () => ['run', 'scenarios/redlock-skew.ts', '--seed-range', '9..2'], 2, 'A <= B'],
  ['seed range without dots', () => ['run', 'scenarios/redlock-skew.ts', '--seed-range', '5'], 2, 'must look like A..B'],
  ['seed range with letters', () => ['run', 'scenarios/redlock-skew.ts', '--seed-range', 'a..b'], 2, 'must look like A..B'],
  ['seed and seeds together', () => ['run', 'scenarios/redlock-skew.ts', '--seed', '1', '--seeds', '5'], 2, 'at most one of --seed, --seeds and --seed-range'],
  ['seeds and seed range together', () => ['run', 'scenarios/redlock-skew.ts', '--seeds', '5', '--seed-range', '1..3'], 2, 'at most one of'],
  ['param that is not name=integer', () => ['run', 'scenarios/scheduler-study.ts', '--param', 'copies=two'], 2, 'a param must look like name=integer'],
  ['param the scenario lacks', () => ['run', 'scenarios/scheduler-study.ts', '--param', 'copie=1'], 2, "the scenario has no param 'copie' (it has copies)"],
  ['param beyond its range', () => ['run', 'scenarios/scheduler-study.ts', '--seed', '1', '--param', 'copies=1000'], 2, 'param copies must be an integer from 0 to 100'],
  ['time with one seed', () => ['run', 'scenarios/redlock-skew.ts', '--seed', '1', '--time', '5s'], 2, '--time budgets a search'],
  ['time of zero', () => ['run', 'scenarios/redlock-skew.ts', '--time', '0s'], 2, 'the time budget must look like'],
  ['time without a unit', () => ['run', 'scenarios/redlock-skew.ts', '--time', '30'], 2, 'the time budget must look like'],
  ['time in days', () => ['run', 'scenarios/redlock-skew.ts', '--time', '2d'], 2, 'the time budget must look like'],
  ['zero jobs', () => ['run', 'scenarios/redlock-skew.ts', '--jobs', '0'], 2, '--jobs must be an integer of at least 1'],
  ['a thousand jobs', () => ['run', 'scenarios/redlock-skew.ts', '--jobs', '1000'], 2, "more than this machine's"],
  ['jobs not a number', () => ['run', 'scenarios/redlock-skew.ts', '--jobs', 'many'], 2, '--jobs must be an integer'],
  ['tail of zero', () => ['run', 'scenarios/redlock-skew.ts', '--tail', '0'], 2, '--tail must be an integer of at least 1'],
  ['quiet and verbose', () => ['run', 'scenarios/redlock-skew.ts', '--seed', '1', '-q', '-v'], 2, 'contradict each other'],
  ['check: zero seeds', () => ['check', '--seeds', '0'], 2, '--seeds must be an integer of at least 1'],
  ['check: shard 0 of 2', () => ['check', '--shard', '0/2'], 2, 'the shard must look like i/n'],
  ['check: shard 3 of 2', () => ['check', '--shard', '3/2'], 2, 'the shard must look like i/n'],
  ['check: shard without a slash', () => ['check', '--shard', '2'], 2, 'the shard must look like i/n'],
  ['check: shard of zero parts', () => ['check', '--shard', '1/0'], 2, 'the shard must look like i/n'],
  ['check: bad time', () => ['check', '--time', 'soon'], 2, 'the time budget must look like'],
  ['check: replays folder missing', () => ['check', scenario(), '--replays', 'no/such/folder'], 2, 'no folder of replay files at no/such/folder'],
  ['check: jobs too many', () => ['check', '--jobs', '64'], 2, "more than this machine's"],
  ['check: golden file missing', () => ['check', scenario(), '--seeds', '1', '--golden', join(dir, 'no-golden.json')], 2, 'cannot read the golden file'],
  ['check: golden file not JSON', () => ['check', scenario(), '--seeds', '1', '--golden', file('golden.json', 'not json')], 2, 'is not JSON'],
  ['check: golden file of another format', () => ['check', scenario(), '--seeds', '1', '--golden', file('golden.json', '{"format":"x"}')], 2, 'is not a golden file'],
  ['check: golden file with bad seeds', () => ['check', scenario(), '--seeds', '1', '--golden', file('golden.json', '{"format":"sim-golden/1","seeds":0,"overrides":{},"entries":[]}')], 2, '"seeds" must be a positive integer'],
  ['golden: seeds of zero', () => ['golden', '--seeds', '0'], 2, '--seeds must be an integer of at least 1'],
  ['list: no such folder', () => ['list', 'no/such/folder'], 2, 'no scenario folder at no/such/folder'],
  ['lincheck without a model', () => ['lincheck', history([])], 2, "required option '--model <name>' not specified"],
  ['lincheck with an unknown model', () => ['lincheck', '--model', 'graph', history([])], 2, "unknown model 'graph'"],
  ['lincheck without a history', () => ['lincheck', '--model', 'register'], 2, "missing required argument 'history'"],
  ['lincheck on a missing file', () => ['lincheck', '--model', 'register', 'no/such/history.jsonl'], 2, 'cannot read no/such/history.jsonl'],
  ['lincheck on a folder without histories', () => ['lincheck', '--model', 'register', mkdtempSync(join(dir, 'empty-'))], 2, 'holds no .jsonl histories'],
  ['lincheck --initial that is not JSON', () => ['lincheck', '--model', 'register', '--initial', 'zero', history([])], 2, '--initial must be JSON'],
  ['lincheck --initial the model cannot start in', () => ['lincheck', '--model', 'queue', '--initial', '3', history([])], 2, 'the initial state of a queue is the array of its items'],
  ['lincheck --html for several histories', () => ['lincheck', '--model', 'register', history([]), history([]), '--html', join(dir, 'x.html')], 2, '--html draws one history; 2 were given'],
  ['merge nothing', () => ['merge'], 2, "missing required argument 'reports'"],
  ['merge a missing report', () => ['merge', 'no/such/report.json'], 2, 'cannot read no/such/report.json'],
  ['merge a file that is not JSON', () => ['merge', file('report.json', 'text')], 2, 'is not JSON'],
  ['merge JSON that is not a report', () => ['merge', file('report.json', '{"results": 3}')], 2, 'is not a sim check --json report'],
  ['merge a report with a bad shard', () => ['merge', file('report.json', '{"format":"sim-check/1","shard":"x","results":[]}')], 2, '"shard" must be "i/n"'],
  ['merge shards of different runs', () => ['merge', file('r1.json', '{"format":"sim-check/1","shard":"1/2","results":[]}'), file('r2.json', '{"format":"sim-check/1","shard":"2/3","results":[]}')], 2, 'merge the shards of one run'],

  // Scenario files.
  ['no scenario file', () => run('no/such/scenario.ts'), 2, 'no scenario file at no/such/scenario.ts'],
  ['a folder for a scenario', () => run('scenarios'), 2, 'is not a file'],
  ['a text file for a scenario', () => run(file('notes.txt', 'hello')), 2, 'is not a TypeScript or JavaScript file'],
  ['a scenario with a syntax error', () => run(file('broken.ts', 'export default defineScenario({')), 2, 'could not be loaded'],
  ['a scenario importing a missing module', () => run(file('imports.ts', "import x from './no-such-module.js'; export default x;")), 2, /imports\.ts could not be loaded: it imports what is not there \(.*no-such-module\.js.*\): install the package, or correct the path/],
  ['a scenario importing a package not installed', () => run(file('package.ts', "import x from 'no-such-package'; export default x;")), 2, /package\.ts could not be loaded: it imports what is not there \(.*'no-such-package'.*\)/],
  ['a scenario that throws while loading', () => run(file('throws.ts', "throw new Error('no config here');")), 2, /throws\.ts threw while loading: no config here/],
  ['a scenario file with no default export', () => run(file('none.ts', 'export const x = 1;')), 2, 'does not export a scenario'],
  ['a default export that is not a scenario', () => run(file('object.ts', 'export default { description: "x" };')), 2, 'does not export a scenario'],
  ['a mistyped field', () => run(scenario({ fields: 'seed: 5,' })), 2, "unknown field 'seed' (did you mean 'seeds'?)"],
  ['an unknown field', () => run(scenario({ fields: 'colour: "red",' })), 2, "unknown field 'colour'"],
  ['an empty description', () => run(scenario({ fields: "description: ''," })), 2, 'description must be a non-empty string'],
  ['an expectation that is neither', () => run(scenario({ expect: "'unsafe'" })), 2, "expect must be 'safe' or { violates"],
  ['an expectation naming no registered property', () => run(scenario({ expect: "{ violates: 'no-such-property' }" })), 2, "names no property this scenario checks (it checks quiet)"],
  ['a zero duration', () => run(scenario({ fields: 'duration: 0,' })), 2, 'duration must be a positive integer'],
  ['a negative duration', () => run(scenario({ fields: 'duration: -5,' })), 2, 'duration must be a positive integer'],
  ['a fractional duration', () => run(scenario({ fields: 'duration: 1.5,' })), 2, 'duration must be a positive integer'],
  ['zero seeds in the file', () => run(scenario({ fields: 'seeds: 0,' })), 2, 'seeds must be a positive integer'],
  ['maxEvents of zero', () => run(scenario({ fields: 'maxEvents: 0,' })), 2, 'maxEvents must be a positive integer'],
  ['negative maxEvents', () => run(scenario({ fields: 'maxEvents: -10,' })), 2, 'maxEvents must be a positive integer'],
  ['a negative latency', () => run(scenario({ fields: 'network: { latency: { min: -100, max: 5 } },' })), 2, 'latency.min and latency.max must be integers >= 0'],
  ['latency min above max', () => run(scenario({ fields: 'network: { latency: { min: ms(9), max: ms(1) } },' })), 2, 'must not exceed latency.max'],
  ['loss of 200%', () => run(scenario({ fields: 'network: { loss: 2 },' })), 2, 'loss must be a probability between 0 and 1'],
  ['negative duplication', () => run(scenario({ fields: 'network: { duplicate: -0.1 },' })), 2, 'duplicate must be a probability'],
  ['reorder as text', () => run(scenario({ fields: "network: { reorder: 'often' }," })), 2, 'reorder must be a probability'],
  ['an unknown network field', () => run(scenario({ fields: 'network: { jitter: 5 },' })), 2, "has no field 'jitter'"],
  ['a link with a negative latency', () => run(scenario({ build: "world.node('a', () => ({})); world.node('b', () => ({})); world.link('a', 'b', { latency: { min: -1, max: 1 } });" })), 2, 'link a -> b'],
  ['a link to a missing node', () => run(scenario({ build: "world.node('a', () => ({})); world.link('a', 'zz', { loss: 0.1 });" })), 2, "has no node 'zz'"],
  ['a fractional param default', () => run(scenario({ fields: 'params: { clients: { default: 1.5 } },' })), 2, 'param clients: default must be an integer'],
  ['a negative param default', () => run(scenario({ fields: 'params: { clients: { default: -1 } },' })), 2, 'param clients: default must be an integer >= 0'],
  ['shrinkTo above the default', () => run(scenario({ fields: 'params: { clients: { default: 2, shrinkTo: 5 } },' })), 2, 'shrinkTo must be an integer between 0 and the default'],
  ['max below the default', () => run(scenario({ fields: 'params: { clients: { default: 20, max: 5 } },' })), 2, 'max must be an integer no smaller than the default'],
  ['params that are not an object', () => run(scenario({ fields: 'params: 7,' })), 2, 'params must be an object'],
  ['faults that is not a function', () => run(scenario({ fields: 'faults: [],' })), 2, 'faults must be a function'],
  ['both faults and a fault mix', () => run(scenario({ faults: '[]', fields: "faultMix: { count: [1, 1], window: [0, 1], weights: { pause: 1 }, nodes: ['a'], duration: [1, 2] }," })), 2, 'give either faults or faultMix'],
  ['a fault mix that is a number', () => run(scenario({ fields: 'faultMix: 3,' })), 2, 'faultMix must be a FaultMix'],
  ['build that is not a function', () => run(scenario({ fields: 'build: 5,' })), 2, 'build must be a function'],
  ['summary that is not a function', () => run(scenario({ fields: 'summary: 5,' })), 2, 'summary must be a function'],
  ['a build that always throws', () => run(scenario({ build: "throw new Error('forgot a node');" })), 2, "the scenario's build throws: forgot a node"],
  ['a build calling what world lacks', () => run(scenario({ build: "world.nodes('a');" })), 2, 'world.nodes is not a function'],
  ['a node added twice', () => run(scenario({ build: "world.node('a', () => ({})); world.node('a', () => ({}));" })), 2, 'node a is added twice'],

  // Fault schedules.
  ['faults() returning no list', () => run(scenario({ faults: '5' })), 2, /list/],
  ['a fault of an unknown kind', () => run(fault("{ at: 0, kind: 'meteor', node: 'a' }")), 2, /meteor/],
  ['a fault without a kind', () => run(fault("{ at: 0, node: 'a' }")), 2, /kind/],
  ['a fault naming a missing node', () => run(fault("{ at: ms(1), kind: 'pause', node: 'zz', duration: ms(5) }")), 2, /zz/],
  ['a fault at a negative time', () => run(fault("{ at: -1, kind: 'pause', node: 'a', duration: ms(5) }")), 2, /"?at"?/],
  ['a fault at a fractional time', () => run(fault("{ at: 1.5, kind: 'pause', node: 'a', duration: ms(5) }")), 2, /"?at"?/],
  ['a negative pause', () => run(fault("{ at: 0, kind: 'pause', node: 'a', duration: -100 }")), 2, /duration/],
  ['a pause without a duration', () => run(fault("{ at: 0, kind: 'pause', node: 'a' }")), 2, /duration/],
  ['a pause without a node', () => run(fault("{ at: 0, kind: 'pause', duration: ms(5) }")), 2, /node/],
  ['a partition of one group', () => run(fault("{ at: 0, kind: 'partition', groups: [['a', 'b']], duration: ms(5) }")), 2, /groups/],
  ['a partition without groups', () => run(fault("{ at: 0, kind: 'partition', duration: ms(5) }")), 2, /groups/],
  ['a partition with an empty group', () => run(fault("{ at: 0, kind: 'partition', groups: [['a'], []], duration: ms(5) }")), 2, /groups/],
  ['a partition naming a missing node', () => run(fault("{ at: 0, kind: 'partition', groups: [['a'], ['zz']], duration: ms(5) }")), 2, /zz/],
  ['a one-way partition without a side', () => run(fault("{ at: 0, kind: 'partition-oneway', from: ['a'], duration: ms(5) }")), 2, /to/],
  ['a bridge partition without a bridge', () => run(fault("{ at: 0, kind: 'partition-bridge', left: ['a'], right: ['b'], duration: ms(5) }")), 2, /bridge/],
  ['a degradation losing 200%', () => run(fault("{ at: 0, kind: 'degrade', loss: 2, duplicate: 0, reorder: 0, duration: ms(5) }")), 2, /loss/],
  ['a degradation with negative duplication', () => run(fault("{ at: 0, kind: 'degrade', loss: 0, duplicate: -1, reorder: 0, duration: ms(5) }")), 2, /duplicate/],
  ['a crash restarting after negative time', () => run(fault("{ at: 0, kind: 'crash', node: 'a', restartAfter: -5 }")), 2, /restartAfter/],
  ['a clock jump of a fraction', () => run(fault("{ at: 0, kind: 'clock-jump', node: 'a', delta: 0.5 }")), 2, /delta/],
  ['a clock jump of a year', () => run(fault("{ at: 0, kind: 'clock-jump', node: 'a', delta: seconds(365 * 24 * 3600) }")), 2, /delta/],
  ['a clock drift of 2^53 ppm', () => run(fault("{ at: 0, kind: 'clock-drift', node: 'a', ppm: 9007199254740991 }")), 2, /ppm/],
  ['a clock drift as text', () => run(fault("{ at: 0, kind: 'clock-drift', node: 'a', ppm: 'fast' }")), 2, /ppm/],
  ['a fault that is not an object', () => run(fault('"pause a"')), 2, /fault/],
  ['a fault mix with an unknown kind', () => run(scenario({ fields: "faultMix: { count: [1, 2], window: [0, ms(100)], weights: { meteor: 1 }, nodes: ['a'], duration: [ms(1), ms(2)] }," })), 2, /meteor/],
  ['a fault mix with a reversed count', () => run(scenario({ fields: "faultMix: { count: [5, 1], window: [0, ms(100)], weights: { pause: 1 }, nodes: ['a'], duration: [ms(1), ms(2)] }," })), 2, /count/],
  ['a fault mix with no nodes', () => run(scenario({ fields: "faultMix: { count: [1, 2], window: [0, ms(100)], weights: { pause: 1 }, nodes: [], duration: [ms(1), ms(2)] }," })), 2, /nodes/],
  ['a fault mix with a reversed window', () => run(scenario({ fields: "faultMix: { count: [1, 2], window: [ms(100), 0], weights: { pause: 1 }, nodes: ['a'], duration: [ms(1), ms(2)] }," })), 2, /window/],
  ['a fault mix with a negative weight', () => run(scenario({ fields: "faultMix: { count: [1, 2], window: [0, ms(100)], weights: { pause: -1 }, nodes: ['a'], duration: [ms(1), ms(2)] }," })), 2, /weight|pause/],
  ['a fault mix naming a missing node', () => run(scenario({ fields: "faultMix: { count: [1, 2], window: [0, ms(100)], weights: { pause: 1 }, nodes: ['zz'], duration: [ms(1), ms(2)] }," })), 2, /zz/],

  // Scripts, steering, per-message faults and starting disks (published stories typed in).
  ['a script step for a client that does not exist', () => run(leaseScript("[{ client: 'client-9', at: 0, kind: 'acquire' }]")), 2, "no client 'client-9'"],
  ['a script step beyond the run', () => run(leaseScript("[{ client: 'client-1', at: seconds(600), kind: 'acquire' }]")), 2, /"at" must be a true time within the run/],
  ['a script step the client cannot perform', () => run(leaseScript("[{ client: 'client-1', kind: 'dance' }]")), 2, "client-1 cannot 'dance'"],
  ['a scripted wait without a duration', () => run(leaseScript("[{ client: 'client-1', kind: 'wait' }]")), 2, 'a wait needs a "duration"'],
  ['a script that is not a list', () => run(leaseScript("'acquire'")), 2, 'a script is a list of steps'],
  ['a Redlock per-request timeout on a parallel acquire', () => run(redlockStory('{ requestTimeout: ms(50) }')), 2, "requestTimeout is the wait for one master of a sequential acquire: set acquire: 'sequential'"],
  ['a Redlock per-request timeout as long as the TTL', () => run(redlockStory("{ acquire: 'sequential', requestTimeout: seconds(1) }")), 2, 'requestTimeout must be above 0 and small compared with the TTL'],
  ['a Raft lock script step for a client that does not exist', () => run(raftLockStory("[{ client: 'client-9', kind: 'acquire' }]")), 2, "lock script, step 1: no client 'client-9'"],
  ['a timeline script step for a user not in the graph', () => run(timelineStory("[{ client: 'reader-1', at: 0, kind: 'read', user: 'u999' }]")), 2, "timeline script, step 1: no user 'u999' in the follower graph"],
  ['a timeline script step the client cannot perform', () => run(timelineStory("[{ client: 'writer-1', kind: 'retweet', author: 'u1' }]")), 2, "timeline script, step 1: writer-1 cannot 'retweet'"],
  ['a scheduler script step beyond the run', () => run(schedulerStory("[{ client: 'client', at: seconds(100), kind: 'task', id: 't', type: 'send_email', delay: 0 }]")), 2, 'scheduler script, step 1: "at" must be a true time within the run'],
  ['a scheduler script submitting one name twice', () => run(schedulerStory("[{ client: 'client', kind: 'task', id: 't', type: 'send_email', delay: 0 }, { client: 'client', kind: 'task', id: 't', type: 'send_email', delay: 0 }]")), 2, "scheduler script, step 2: 't' is submitted twice"],
  ['a Kafka script step for a producer that does not exist', () => run(kafkaStory("[{ client: 'producer-9', at: 0, kind: 'produce', partition: 0 }]")), 2, "kafka script, step 1: no client 'producer-9' (clients: producer-1, producer-2)"],
  ['a Kafka script step to a partition that does not exist', () => run(kafkaStory("[{ client: 'producer-1', kind: 'produce', partition: 7 }]")), 2, 'kafka script, step 1: no partition 7'],
  ['steering to an action the model does not offer', () => run(steered("[{ at: 0, kind: 'steer', node: 's', action: 'time-out' }]")), 2, "node s cannot be steered to 'time-out' (it accepts nap)"],
  ['steering a node whose model takes no steering', () => run(steered("[{ at: 0, kind: 'steer', node: 'b', action: 'nap', duration: ms(5) }]")), 2, 'its model accepts no steering'],
  ['steering a node that does not exist', () => run(steered("[{ at: 0, kind: 'steer', node: 'zz', action: 'nap', duration: ms(5) }]")), 2, /zz/],
  ['steering beyond the run', () => run(steered("[{ at: seconds(5), kind: 'steer', node: 's', action: 'nap', duration: ms(5) }]")), 2, 'is beyond the run'],
  ['a lasting steering action without a duration', () => run(steered("[{ at: 0, kind: 'steer', node: 's', action: 'nap' }]")), 2, 'give the steer fault a duration'],
  ['held messages released in an unknown order', () => run(fault("{ at: 0, kind: 'hold-messages', from: ['a'], duration: ms(5), release: 'random' }")), 2, /release/],
  ['dropped messages filtered by an empty list', () => run(fault("{ at: 0, kind: 'drop-messages', to: [], duration: ms(5) }")), 2, /"to"/],
  ['a starting disk for a node that does not exist', () => run(scenario({ fields: "disk: { zz: { term: 1 } }," })), 2, "disk: the scenario has no node 'zz'"],
  ['a starting disk that is not an object', () => run(scenario({ fields: 'disk: 5,' })), 2, 'disk must map node names'],

  // Replay files.
  ['no replay file', () => ['replay', 'no/such/replay.json'], 2, 'cannot read the replay file no/such/replay.json'],
  ['a replay file that is not JSON', () => ['replay', file('replay.json', '{ nope')], 2, 'is not JSON'],
  ['a replay file that is a list', () => ['replay', file('replay.json', '[]')], 2, 'it must be a JSON object'],
  ['a replay file of another format', () => ['replay', replay({ format: 'sim-replay/0' })], 2, '"format" must be "sim-replay/1"'],
  ['a replay file without a scenario', () => ['replay', replay({ scenario: '' })], 2, '"scenario" must be the path of a scenario file'],
  ['a replay file naming a missing scenario', () => ['replay', replay({ scenario: 'no-such.ts' })], 2, 'but there is no file at'],
  ['a replay file with a negative seed', () => ['replay', replay({ seed: -3 })], 2, '"seed" must be a non-negative integer'],
  ['a replay file with a text seed', () => ['replay', replay({ seed: 'one' })], 2, '"seed" must be a non-negative integer'],
  ['a replay file with a bad expectation', () => ['replay', replay({ expect: 'broken' })], 2, '"expect" must be "safe"'],
  ['a replay file whose faults are not a list', () => ['replay', replay({ faults: {} })], 2, '"faults" must be a list'],
  ['a replay file with an unknown fault kind', () => ['replay', replay({ faults: [{ at: 0, kind: 'meteor' }] })], 2, /fault 1.*meteor/],
  ['a replay file with a negative pause', () => ['replay', replay({ faults: [{ at: 0, kind: 'pause', node: 'a', duration: -1 }] })], 2, /fault 1/],
  ['a replay file faulting a missing node', () => ['replay', replay({ faults: [{ at: 0, kind: 'pause', node: 'zz', duration: 5 }] })], 2, /zz/],
  ['a replay file with unknown overrides', () => ['replay', replay({ overrides: { speed: 3 } })], 2, '"overrides" has unknown fields: speed'],
  ['a replay file overriding a param the scenario lacks', () => ['replay', replay({ overrides: { params: { clients: 3 } } })], 2, "the scenario has no param 'clients'"],
  ['a replay file with a fractional param', () => ['replay', replay({ overrides: { params: { n: 1.5 } } })], 2, '"overrides.params.n" must be an integer'],
  ['a replay file with a zero duration', () => ['replay', replay({ overrides: { duration: 0 } })], 2, '"overrides.duration" must be a positive integer'],
  ['a replay file without its tool version', () => ['replay', replay({ tool: undefined })], 2, '"tool" must be the version'],
  ['a replay file of 100,000,000 clients', () => ['replay', replay({ overrides: { params: { clients: 100_000_000 } } }, scenario({ fields: 'params: { clients: { default: 3 } },' }))], 2, 'param clients must be an integer from 0 to 30'],
  ['check: a replay file that is not JSON', () => ['check', file('replay.json', 'nope')], 2, 'is not JSON'],

  // Histories.
  ['a history line that is not JSON', () => ['lincheck', '--model', 'register', history(['{ nope'])], 2, /history\.jsonl:1/],
  ['a history event without a process', () => ['lincheck', '--model', 'register', history([{ type: 'invoke', f: 'read', time: 1 }])], 2, /process/],
  ['a history event of an unknown type', () => ['lincheck', '--model', 'register', history([ev('p1', 'maybe', 'read', 1)])], 2, /type/],
  ['a history event without a time', () => ['lincheck', '--model', 'register', history([{ process: 'p1', type: 'invoke', f: 'read' }])], 2, /time/],
  ['a history event at a text time', () => ['lincheck', '--model', 'register', history([ev('p1', 'invoke', 'read', 'noon' as unknown as number)])], 2, /time/],
  ['an operation the model lacks', () => ['lincheck', '--model', 'register', history([ev('p1', 'invoke', 'fly', 1)])], 2, /fly/],
  ['a write without its value', () => ['lincheck', '--model', 'register', history([ev('p1', 'invoke', 'write', 1), ev('p1', 'ok', 'write', 2)])], 2, /value/],
  ['a kv operation without a key', () => ['lincheck', '--model', 'kv', history([ev('p1', 'invoke', 'get', 1)])], 2, /key/],
  ['two pending operations of one process', () => ['lincheck', '--model', 'register', history([ev('p1', 'invoke', 'read', 1), ev('p1', 'invoke', 'read', 2)])], 2, 'one operation at a time per process'],
  ['an outcome without an invocation', () => ['lincheck', '--model', 'register', history([ev('p1', 'ok', 'read', 1, { value: 1 })])], 2, 'has no pending operation'],
  ['an outcome for another operation', () => ['lincheck', '--model', 'register', history([ev('p1', 'invoke', 'read', 1), ev('p1', 'ok', 'write', 2, { value: 1 })])], 2, 'its pending operation is read'],
  ['an outcome before its invocation', () => ['lincheck', '--model', 'register', history([ev('p1', 'invoke', 'read', 5), ev('p1', 'ok', 'read', 2, { value: 1 })])], 2, 'before it invoked'],
  ['a queue dequeue without its result', () => ['lincheck', '--model', 'queue', history([ev('p1', 'invoke', 'dequeue', 1), ev('p1', 'ok', 'dequeue', 2)])], 2, /value/],

  // Output paths.
  ['--html into a missing folder', () => run(scenario(), '--html', '/no/such/dir/x.html'), 2, 'cannot write /no/such/dir/x.html'],
  ['--trace into a missing folder', () => run(scenario(), '--trace', '/no/such/dir/t.jsonl'), 2, 'cannot write /no/such/dir/t.jsonl'],
  ['--save into a missing folder', () => ['run', scenario({ expect: "{ violates: 'quiet' }" }), '--seed', '1', '-q', '--save', '/no/such/dir/r.json'], 2, /cannot write \/no\/such\/dir\/r\.json|Nothing saved/],
  ['--junit into a missing folder', () => ['check', scenario(), '--seeds', '1', '--jobs', '1', '--junit', '/no/such/dir/j.xml'], 2, 'cannot write /no/such/dir/j.xml'],
  ['--junit onto a folder', () => ['check', scenario(), '--seeds', '1', '--jobs', '1', '--junit', dir], 2, `cannot write ${dir}`],
  ['--html onto a folder', () => run(scenario(), '--html', dir), 2, `cannot write ${dir}`],
  ['lincheck --html into a missing folder', () => ['lincheck', '--model', 'register', history([ev('p1', 'invoke', 'read', 1), ev('p1', 'ok', 'read', 2, { value: 1 })]), '--html', '/no/such/dir/l.html'], 2, 'cannot write /no/such/dir/l.html'],
  ['golden --update into a missing folder', () => ['golden', scenario(), '--update', '--file', '/no/such/dir/g.json'], 2, 'cannot write /no/such/dir/g.json'],
  ['merge --junit into a missing folder', () => ['merge', file('report.json', '{"format":"sim-check/1","shard":null,"results":[]}'), '--junit', '/no/such/dir/m.xml'], 2, 'cannot write /no/such/dir/m.xml'],
];

/** Runs the CLI in this process and collects what it printed. */
async function cli(args: string[]) {
  let out = '';
  let err = '';
  const spies = [
    vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => ((out += String(chunk)), true)),
    vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => ((err += String(chunk)), true)),
    vi.spyOn(console, 'log').mockImplementation((...parts: unknown[]) => void (out += parts.join(' ') + '\n')),
    vi.spyOn(console, 'error').mockImplementation((...parts: unknown[]) => void (err += parts.join(' ') + '\n')),
  ];
  try {
    const code = await runCli(args);
    return { code, out, err };
  } finally {
    for (const spy of spies) spy.mockRestore();
  }
}

describe('bad input: one line saying what is wrong, exit 2, never a stack trace', () => {
  it('has at least 150 cases', () => {
    expect(rows.length).toBeGreaterThanOrEqual(150);
  });

  mkdirSync(dir, { recursive: true });
  it.each(rows)('%s', async (_label, args, code, fragment) => {
    const { code: got, err } = await cli(args());
    const lines = err.split('\n').filter((line) => line.trim() !== '' && !line.includes('(sim --help shows the commands and options)'));
    expect({ got, lines }).toMatchObject({ got: code });
    expect(lines).toHaveLength(1);
    expect(err).not.toMatch(/^\s+at /m);
    if (typeof fragment === 'string') expect(lines[0]).toContain(fragment);
    else expect(lines[0]).toMatch(fragment);
  });
});

/**
 * Valid inputs changed one field at a time, as fast-check draws them: whatever the
 * change, the CLI either runs (exit 0 or 1) or refuses it as bad input (exit 2, one
 * line); never a model error (exit 3), never a stack trace.
 */
describe('any one field of a valid input changed: a run or one line of bad input, never a crash', () => {
  const oddValues = fc.oneof(
    fc.constantFrom(null, true, '', 'x', [], {}, [[]], -1, 0, 1, 1.5, -0.5, 2, 1e9, 1e308, -1e308, Number.MAX_SAFE_INTEGER, 2 ** 53 + 2, 'client-1', 'nobody'),
    fc.integer({ min: -1_000_000, max: 10_000_000 }),
    fc.double({ noNaN: false }),
    fc.string({ maxLength: 5 }),
  );
  /** Every path to a leaf (or a whole object or list) of a JSON value. */
  const paths = (value: unknown, prefix: Array<string | number> = []): Array<Array<string | number>> => {
    if (typeof value !== 'object' || value === null) return [prefix];
    const entries = Array.isArray(value) ? value.map((v, i) => [i, v] as const) : Object.entries(value);
    return [prefix, ...entries.flatMap(([key, v]) => paths(v, [...prefix, key]))];
  };
  const withValue = (value: unknown, path: Array<string | number>, replacement: unknown): unknown => {
    if (path.length === 0) return replacement;
    const copy: any = Array.isArray(value) ? [...value] : { ...(value as object) };
    copy[path[0]!] = withValue(copy[path[0]!], path.slice(1), replacement);
    return copy;
  };
  const expectRunOrOneLine = ({ code, err }: { code: number; err: string }) => {
    expect(err).not.toMatch(/^\s+at /m);
    expect([0, 1, 2]).toContain(code);
    if (code === 2) expect(err.split('\n').filter((l) => l.trim() !== '' && !l.includes('(sim --help'))).toHaveLength(1);
  };

  // A small scenario with a small event budget: a mutated duration of 2^53 µs must end at the budget, fast.
  const replayBase = JSON.parse(readFileSync(join(root, replay({
    seed: 3,
    faults: [{ at: 100_000, kind: 'pause', node: 'a', duration: 50_000 }, { at: 200_000, kind: 'partition', groups: [['a'], ['b']], duration: 100_000 }],
    overrides: { params: { peers: 1 }, duration: 1_500_000 },
  }, scenario({ fields: 'maxEvents: 50_000, params: { peers: { default: 1, max: 3 } },' }))), 'utf8')) as Record<string, unknown>;
  const replayPaths = paths(replayBase);

  fcTest.prop([fc.constantFrom(...replayPaths), oddValues], { numRuns: 80 })('a replay file', async (path, value) => {
    const path_ = file('mutated-replay.json', JSON.stringify(withValue(replayBase, path, value)));
    expectRunOrOneLine(await cli(['replay', path_, '-q']));
  });

  /** The scenario's fields as JavaScript source, each replaceable. */
  const fields: Record<string, string> = {
    description: "'two nodes ping'",
    expect: "'safe'",
    duration: 'seconds(2)',
    seeds: '2',
    maxEvents: '100000',
    network: '{ latency: { min: ms(1), max: ms(3) }, loss: 0.01, duplicate: 0, reorder: 0 }',
    params: '{ peers: { default: 1, max: 3 } }',
    faults: "() => [{ at: ms(100), kind: 'pause', node: 'a', duration: ms(50) }, { at: ms(200), kind: 'partition', groups: [['a'], ['b']], duration: ms(100) }]",
  };
  const literal = (value: unknown) => (value === undefined ? 'undefined' : Number.isNaN(value) ? 'NaN' : JSON.stringify(value) ?? 'undefined');

  fcTest.prop([fc.constantFrom(...Object.keys(fields)), oddValues], { numRuns: 80 })('a scenario file', async (field, value) => {
    const body = Object.entries({ ...fields, [field]: literal(value) }).map(([k, v]) => `  ${k}: ${v},`).join('\n');
    const path = file('mutated.ts', `
import { defineScenario, ms, seconds } from '${kernel}';
const pinger = (ctx) => {
  ctx.setTimer(ms(100), 'ping');
  return { onTimer() { ctx.send('b', 'ping'); ctx.fact('ping', {}); ctx.setTimer(ms(100), 'ping'); } };
};
export default defineScenario({
${body}
  build(world) {
    world.node('a', pinger); world.node('b', () => ({}));
    world.property({ name: 'quiet', watches: ['ping'], observe: () => undefined });
  },
});
`);
    expectRunOrOneLine(await cli(['run', path, '--seed', '1', '-q']));
  });

  fcTest.prop([fc.constantFrom(0, 1), fc.constantFrom(...['at', 'kind', 'node', 'duration', 'groups']), oddValues], { numRuns: 60 })('a fault of a schedule', async (index, key, value) => {
    const faults = [{ at: 100_000, kind: 'pause', node: 'a', duration: 50_000 }, { at: 200_000, kind: 'partition', groups: [['a'], ['b']], duration: 100_000 }];
    const mutated = faults.map((f, i) => (i === index ? { ...f, [key]: value } : f));
    const path = scenario({ faults: JSON.stringify(mutated) });
    expectRunOrOneLine(await cli(['run', path, '--seed', '1', '-q']));
  });
});
