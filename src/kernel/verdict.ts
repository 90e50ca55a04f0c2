import { faultMarks, type FaultMark } from './fault.js';
import type { Expectation, Scenario } from './scenario.js';

/** What a set of runs is judged against: the scenario's expectation, the probes it requires and the fault coverage it owes. */
export interface Judged {
  expect: Expectation;
  /**
   * The scenario's own seed count: a safe verdict over at least this many seeds must
   * also have reached every node role with a crash, a pause and a clock step (see
   * `uncoveredRoles`). Fewer seeds (a quick search) and replay files owe no coverage.
   */
  seeds?: number;
  /** Node roles no fault need reach, each with the reason (see `roleOf`). */
  exempt?: Readonly<Record<string, string>>;
  /** Probes (`ctx.probe`) some run must hit, or the seeds did not reach what the verdict needs. */
  requires?: readonly string[];
}
import type { RunResult } from './simulation.js';

/**
 * The one place that decides whether runs show what a scenario (or a replay file)
 * expects. A safe scenario matches when no run fails. A known-unsafe one matches
 * when the checker finds its violation in at least one run and no run fails any
 * other way (another property, or the event budget: a hang is a finding too).
 */

/** How a set of runs compares with what is expected. */
export interface SearchVerdict {
  matches: boolean;
  runs: number;
  /** Runs that violated some property, lowest seed first (a search keeps only the lowest few; `failures` counts them all). */
  violations: RunResult[];
  /** How many runs violated a property or ran out of their event budget. */
  failures: number;
  /** The run to show: the first unexpected one, else the first violation. */
  shown: RunResult | undefined;
  summary: string;
}

/**
 * Runs folded one at a time, in any order, keeping only what a verdict needs: the
 * counts, the lowest-seeded runs that matter, and how many facts each property was
 * handed. A search of 100,000 seeds therefore holds a few runs, not 100,000.
 */
export class Tally {
  runs = 0;
  failures = 0;
  private violationCount = 0;
  private readonly lowestViolations: RunResult[] = [];
  private firstUnexpected: RunResult | undefined;
  private firstFound: RunResult | undefined;
  /** The lowest-seeded run of all (its summary is shown for a safe search). */
  first: RunResult | undefined;
  readonly factsSeen: Record<string, number> = {};
  /** How often each probe was hit, over every run. */
  readonly probes: Record<string, number> = {};
  /** Fault coverage: for each node role, how often each fault effect reached it, over every run. */
  readonly coverage: Record<string, Partial<Record<FaultMark['effect'], number>>> = {};
  readonly expect: Expectation;

  constructor(
    private readonly judged: Judged,
    /** How many of the lowest violating runs to keep. */
    private readonly keep = 10,
  ) {
    this.expect = judged.expect;
  }

  add(result: RunResult): void {
    this.runs++;
    for (const [name, n] of Object.entries(result.factsSeen)) this.factsSeen[name] = (this.factsSeen[name] ?? 0) + n;
    for (const [name, n] of Object.entries(result.probes)) this.probes[name] = (this.probes[name] ?? 0) + n;
    for (const node of result.nodes) this.coverage[roleOf(node)] ??= {};
    for (const fault of result.faults) {
      for (const mark of faultMarks(fault)) {
        if (mark.node === undefined || !result.nodes.includes(mark.node)) continue;
        const role = (this.coverage[roleOf(mark.node)] ??= {});
        role[mark.effect] = (role[mark.effect] ?? 0) + 1;
      }
    }
    if (this.first === undefined || result.seed < this.first.seed) this.first = result;
    if (result.outcome === 'ok') return;
    this.failures++;
    const expected = this.expect === 'safe' ? undefined : this.expect.violates;
    const lower = (held: RunResult | undefined) => held === undefined || result.seed < held.seed;
    if (result.outcome === 'budget' || result.violation!.property !== expected) {
      if (lower(this.firstUnexpected)) this.firstUnexpected = result;
    } else if (lower(this.firstFound)) this.firstFound = result;
    if (result.outcome === 'violation') {
      this.violationCount++;
      const kept = this.lowestViolations;
      const at = kept.findIndex((r) => r.seed > result.seed);
      kept.splice(at === -1 ? kept.length : at, 0, result);
      if (kept.length > this.keep) kept.pop();
    }
  }

  verdict(): SearchVerdict {
    const expected = this.expect === 'safe' ? undefined : this.expect.violates;
    const unexpected = this.firstUnexpected;
    const found = this.firstFound;
    const unreached = (this.judged.requires ?? []).filter((probe) => !this.probes[probe]);
    const uncovered = this.coverageOwed();
    const matches = unexpected === undefined && (expected === undefined || found !== undefined) && unreached.length === 0 && uncovered.length === 0;
    let summary: string;
    if (unreached.length > 0 && unexpected === undefined) {
      summary = `required probe${unreached.length > 1 ? 's' : ''} ${unreached.map((p) => `'${p}'`).join(', ')} never hit in ${this.runs} seeds: the seeds never reached ${unreached.length > 1 ? 'those paths' : 'that path'}, so the verdict says nothing about ${unreached.length > 1 ? 'them' : 'it'}`;
    } else if (uncovered.length > 0 && unexpected === undefined) {
      summary = `safe over ${this.runs} seeds, but untested under faults: ${uncovered.join('; ')}`;
    } else if (unexpected?.outcome === 'budget') summary = `seed ${unexpected.seed} ran out of its event budget (${unexpected.stats.events} events): a hang or livelock`;
    else if (unexpected) summary = `seed ${unexpected.seed} violates ${unexpected.violation!.property}`;
    else if (found) summary = `${this.violationCount} of ${this.runs} seeds violate ${expected}; first: seed ${found.seed}`;
    else if (expected) summary = `no violation of ${expected} in ${this.runs} seeds`;
    else summary = `safe over ${this.runs} seeds`;
    return { matches, runs: this.runs, violations: [...this.lowestViolations], failures: this.failures, shown: unexpected ?? found, summary };
  }

  /** What a safe verdict over the scenario's own seeds lacks in fault coverage, one phrase per gap (none if it owes none). */
  private coverageOwed(): string[] {
    const { seeds, exempt = {} } = this.judged;
    if (this.expect !== 'safe' || seeds === undefined || this.runs < seeds) return [];
    const uncovered = uncoveredRoles(this, exempt);
    const gaps: string[] = [];
    if (uncovered.length > 0) {
      const named = uncovered.slice(0, 5).map(describeUncovered).join('; ');
      gaps.push(`${named}${uncovered.length > 5 ? `; and ${uncovered.length - 5} more roles` : ''}: add ${uncovered.length > 1 ? 'them' : 'it'} to the fault mix, or say why in the scenario's exempt`);
    }
    const unknown = Object.keys(exempt).filter((role) => role !== '*' && this.coverage[role] === undefined);
    if (unknown.length > 0) gaps.push(`the exempt names ${unknown.map((r) => `'${r}'`).join(', ')}, no role of the scenario's nodes (they are: ${Object.keys(this.coverage).sort().join(', ')})`);
    return gaps;
  }
}

/**
 * A node's role: its name without a trailing number (`client-3` → `client`,
 * `redis-5` → `redis`), so coverage is counted per kind of component.
 */
export function roleOf(node: string): string {
  return node.replace(/[-_]?\d+$/, '') || node;
}

/** The faults that reach a node itself (as opposed to its links): what coverage asks every role to meet. */
export const NODE_EFFECTS = ['crash', 'pause', 'clock'] as const satisfies ReadonlyArray<FaultMark['effect']>;

export interface UncoveredRole {
  role: string;
  missing: Array<(typeof NODE_EFFECTS)[number]>;
}

const EFFECT_PAST: Record<UncoveredRole['missing'][number], string> = { crash: 'crashed', pause: 'paused', clock: 'clock-shifted' };

/** `store was never crashed, clock-shifted`: what an uncovered role lacks, in words. */
export const describeUncovered = ({ role, missing }: UncoveredRole): string => `${role} was never ${missing.map((m) => EFFECT_PAST[m]).join(', ')}`;

/**
 * The roles of a tallied scenario that some node-level fault never reached over
 * all its seeds, with what reached them — except those the scenario exempts.
 */
export function uncoveredRoles(tally: Tally, exempt: Readonly<Record<string, string>> = {}): UncoveredRole[] {
  if (exempt['*'] !== undefined) return [];
  return Object.entries(tally.coverage)
    .filter(([role]) => exempt[role] === undefined)
    .map(([role, effects]) => ({ role, missing: NODE_EFFECTS.filter((effect) => !effects[effect]) }))
    .filter((r) => r.missing.length > 0);
}

/** The verdict on a set of runs of a scenario (every violation kept). */
export function judge(scenario: Scenario, results: readonly RunResult[]): SearchVerdict {
  const tally = new Tally(scenario, Infinity);
  for (const result of results) tally.add(result);
  return tally.verdict();
}

/**
 * Whether one run shows what is expected of it. A replay file expects exactly the
 * verdict it recorded. One seed of a known-unsafe scenario that violates nothing is
 * no contradiction (finding the violation is the search's job): `oneOfMany` says so.
 */
export function runMatches(expect: Expectation, result: RunResult, oneOfMany: boolean): boolean {
  if (expect === 'safe') return result.outcome === 'ok';
  if (result.outcome === 'ok') return oneOfMany;
  return result.violation?.property === expect.violates;
}
