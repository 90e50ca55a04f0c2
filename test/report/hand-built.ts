import type { RunResult, TraceEvent } from '../../src/kernel/index.js';

/** A finished, safe run made of nothing but the given trace. */
export function resultOf(trace: TraceEvent[], seed = 1): RunResult {
  return {
    seed, outcome: 'ok', violation: undefined, endTime: trace[trace.length - 1]?.t ?? 0,
    stats: { events: trace.length, delivered: 0, dropped: 0, facts: 0 }, faults: [], trace, factsSeen: {}, probes: {}, nodes: [], summary: undefined,
  };
}
