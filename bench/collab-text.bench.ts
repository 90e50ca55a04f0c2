/**
 * Collaborative text figures: the safe docs scenarios' seeds per second on one
 * thread, then the study of issue 17, per variant over the same 300 seeds (the safe
 * scenarios' sessions, network and faults): how often replicas diverged, how many
 * transformation-function calls an edit cost (summed over every replica that
 * integrated it), how many metadata records each visible character carries at the
 * end (OT: the operation history kept; RGA: an identity per element, tombstones
 * included), and how long after the last partition healed every replica had every
 * operation.
 */
import { defineScenario, formatTime, runScenario, type Fact, type Scenario } from '../src/kernel/index.js';
import { collabMeasures } from '../src/designs/collab-text/summary.js';
import { buildCollab, type Variant } from '../src/designs/collab-text/system.js';
import crdt, { crdtSystem } from '../scenarios/docs-crdt.js';
import otServer from '../scenarios/docs-ot-server.js';

function seedsPerSecond(scenario: Scenario, seeds: number): { rate: number; eventsPerRun: number } {
  let events = 0;
  const started = process.hrtime.bigint();
  for (let seed = 1; seed <= seeds; seed++) events += runScenario(scenario, seed).stats.events;
  return { rate: seeds / (Number(process.hrtime.bigint() - started) / 1e9), eventsPerRun: events / seeds };
}

seedsPerSecond(crdt, 50); // warm up the JIT
for (const [name, scenario] of [['docs-crdt', crdt], ['docs-ot-server', otServer]] as const) {
  const { rate, eventsPerRun } = seedsPerSecond(scenario, 400);
  console.log(`${name} (400 seeds, 8 s simulated each): ${rate.toFixed(0)} seeds/s, ${eventsPerRun.toFixed(0)} events/run; its 2,000 seeds: ${(2000 / rate).toFixed(1)} s on one thread`);
}

const SEEDS = 300;
const median = (values: number[]) => (values.length === 0 ? undefined : [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]);
const mean = (values: number[]) => values.reduce((a, b) => a + b, 0) / Math.max(1, values.length);

console.log(`\n| variant | diverged (of ${SEEDS}) | transformations per edit | metadata records per character | converged after the last heal: median (max) |`);
console.log('|---|---:|---:|---:|---:|');
for (const variant of ['naive', 'ot-server', 'ot-p2p', 'crdt'] as Variant[]) {
  const system = { ...crdtSystem, variant };
  const scenario = defineScenario({ ...crdt, expect: 'safe', build: (world) => buildCollab(world, system) });
  let diverged = 0;
  const transforms: number[] = [];
  const meta: number[] = [];
  const heal: number[] = [];
  for (let seed = 1; seed <= SEEDS; seed++) {
    const measures = collabMeasures();
    const run = runScenario(defineScenario({ ...scenario, summary: () => ({ collect: (fact: Fact) => measures.collect(fact), render: () => '' }) }), seed);
    if (run.violation) {
      diverged++;
      continue;
    }
    const m = measures.measures();
    transforms.push(m.transformsPerEdit);
    meta.push(m.metaPerChar);
    if (m.convergeAfterHeal !== undefined) heal.push(m.convergeAfterHeal);
  }
  const healed = median(heal);
  console.log(`| ${variant} | ${diverged} | ${mean(transforms).toFixed(1)} | ${mean(meta).toFixed(2)} | ${healed === undefined ? '–' : `${formatTime(healed)} (${formatTime(Math.max(...heal))})`} |`);
}
console.log('\nMeans and medians over the runs that did not diverge (a diverging run stops at its breach).');
