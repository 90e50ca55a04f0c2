import { formatDuration, formatTime, type Fact, type KernelFact, type Micros, type Property } from '../../kernel/index.js';
import type { SnowflakeFact } from './facts.js';
import { compareIds, describeId } from './id.js';

type SnowflakeProperty = Property<SnowflakeFact | KernelFact>;
type Issued = Fact<Extract<SnowflakeFact, { kind: 'id-issued' }>>;

const issuedAt = (fact: Issued) => `at ${formatTime(fact.t)} (its clock ${fact.data.clockMs} ms)`;

/**
 * No ID is issued twice anywhere in the system, judged on `id-issued` facts: every
 * ID really handed out, in a hash set of their decimal strings.
 */
export function unique(): SnowflakeProperty {
  const issued = new Map<string, Issued>();
  return {
    name: 'unique',
    watches: ['id-issued'],
    observe(fact) {
      if (fact.kind !== 'id-issued') return undefined;
      const first = issued.get(fact.data.id);
      if (first) {
        return {
          message: `${fact.node} issued ${describeId(fact.data.id)} ${issuedAt(fact)} with node id ${fact.data.nodeId}; ${first.node} had issued it ${issuedAt(first)} with node id ${first.data.nodeId}`,
          nodes: [...new Set([first.node, fact.node])],
        };
      }
      issued.set(fact.data.id, fact);
      return undefined;
    },
  };
}

/**
 * Each node's IDs strictly increase. The seed promises this per generator, and a
 * generator lives in one process: by default a restart starts afresh. With
 * `acrossRestarts` the promise is per node, for ever: what a persisted high-water
 * mark promises.
 */
export function monotonicPerNode(options: { acrossRestarts: boolean }): SnowflakeProperty {
  const last = new Map<string, Issued>();
  return {
    name: 'monotonic',
    watches: ['id-issued', 'restart'],
    observe(fact) {
      if (fact.kind === 'restart') {
        if (!options.acrossRestarts) last.delete(fact.node);
        return undefined;
      }
      if (fact.kind !== 'id-issued') return undefined;
      const previous = last.get(fact.node);
      last.set(fact.node, fact);
      if (previous && compareIds(fact.data.id, previous.data.id) <= 0) {
        const scope = options.acrossRestarts ? '' : ' within one process';
        return {
          message: `${fact.node} issued ${describeId(fact.data.id)} ${issuedAt(fact)} after ${describeId(previous.data.id)} ${issuedAt(previous)}: one node's IDs must increase${scope}`,
          nodes: [fact.node],
        };
      }
      return undefined;
    },
  };
}

/**
 * k-sorted: any two IDs issued more than `bound` apart in true time sort in the
 * order they were issued, whichever nodes issued them. The scenario states the
 * bound: the clock skew it assumes plus a tolerance. Judged as each ID is issued,
 * against the largest ID issued more than `bound` earlier: facts come in true-time
 * order, so that is one running maximum over a sliding window.
 */
export function kSorted(options: { bound: Micros }): SnowflakeProperty {
  let window: Issued[] = [];
  let head = 0;
  let largestBefore: Issued | undefined;
  return {
    name: 'k-sorted',
    watches: ['id-issued'],
    observe(fact) {
      if (fact.kind !== 'id-issued') return undefined;
      while (head < window.length && window[head]!.t < fact.t - options.bound) {
        const older = window[head++]!;
        if (largestBefore === undefined || compareIds(older.data.id, largestBefore.data.id) > 0) largestBefore = older;
      }
      if (head > 4096 && head * 2 > window.length) [window, head] = [window.slice(head), 0];
      window.push(fact);
      if (largestBefore && compareIds(fact.data.id, largestBefore.data.id) <= 0) {
        return {
          message:
            `${fact.node} issued ${describeId(fact.data.id)} ${issuedAt(fact)}, no larger than ${describeId(largestBefore.data.id)}, ` +
            `which ${largestBefore.node} issued ${formatDuration(fact.t - largestBefore.t)} earlier ${issuedAt(largestBefore)}: ` +
            `IDs issued more than ${formatDuration(options.bound)} apart must sort in the order they were issued`,
          nodes: [...new Set([largestBefore.node, fact.node])],
        };
      }
      return undefined;
    },
  };
}

/**
 * Availability: no node refuses (throws) or holds (waits for its clock) requests for
 * longer than `maxRefusal` at a time. A refusal lasts from a node's first refused or
 * held request until it next issues an ID; a crash ends it (the node is down, not
 * refusing). How many IDs were refused, and for how long in all, is the summary's.
 */
export function availability(options: { maxRefusal: Micros }): SnowflakeProperty {
  const refusingSince = new Map<string, Micros>();
  const over = (node: string, since: Micros, until: Micros) => ({
    message: `${node} refused or held requests for IDs from ${formatTime(since)} for ${formatDuration(until - since)}, longer than the ${formatDuration(options.maxRefusal)} the scenario allows`,
    nodes: [node],
    at: since + options.maxRefusal,
  });
  return {
    name: 'availability',
    watches: ['id-issued', 'id-refused', 'id-wait', 'crash'],
    observe(fact) {
      if (fact.kind === 'id-refused' || fact.kind === 'id-wait') {
        if (!refusingSince.has(fact.node)) refusingSince.set(fact.node, fact.t);
        return undefined;
      }
      const since = refusingSince.get(fact.node);
      if (since === undefined) return undefined;
      refusingSince.delete(fact.node);
      return fact.t - since > options.maxRefusal ? over(fact.node, since, fact.t) : undefined;
    },
    finish(end) {
      for (const [node, since] of refusingSince) if (end.t - since > options.maxRefusal) return over(node, since, end.t);
      return undefined;
    },
  };
}
