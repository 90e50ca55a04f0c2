import { formatTime, type KernelFact, type Micros, type Property } from '../../kernel/index.js';
import type { Limit } from './algorithms.js';
import { contractMeter, type ContractName } from './contracts.js';
import type { LimiterFact } from './facts.js';

export const contractPropertyName = (contract: ContractName) => `${contract}-limit`;

export interface ContractOptions {
  /** Only this system's decisions (where several run side by side). */
  system?: string;
  /** Judge the sliding window as W − slack (see `contractMeter`). */
  slack?: Micros;
}

/** The contract, judged on what was really admitted at true times: the first admission that breaks it. */
export function contractHolds(contract: ContractName, tiers: Record<string, Limit>, { system, slack }: ContractOptions = {}): Property<LimiterFact | KernelFact> {
  const meter = contractMeter(contract, slack);
  return {
    name: contractPropertyName(contract),
    watches: ['decided'],
    observe(fact) {
      if (fact.kind !== 'decided' || !fact.data.allowed) return undefined;
      if (system !== undefined && fact.data.system !== system) return undefined;
      const d = fact.data;
      const broken = meter.admit(d.user, fact.t + d.delay, tiers[d.tier]!, d.cost);
      if (broken === undefined) return undefined;
      const via = d.cause === 'fail-open' ? ` (admitted by ${fact.node} failing open)` : ` (last one admitted by ${fact.node})`;
      return { message: broken + via, nodes: [fact.node] };
    },
  };
}

/**
 * Availability: a user under its limit, in the design's own words (fewer than L
 * admitted in the last W of true time), is never denied by the limiter itself; that
 * fails at once. Every contract above admits such a request (a token bucket with B = L
 * allows at least L per any W), so only an algorithm that is stricter than its promise
 * fails here. Requests a fail-closed server denies because the store did not answer in
 * time are counted, and reported at the end of the run with their number.
 *
 * `stepBack`: the most the clock timing the decisions steps back. A clock stepped back
 * by d keeps each window open d longer (true time), so a limiter on it honestly denies
 * a user who sent fewer than L in the last W but L in the last W + d: "under its limit"
 * is then judged over W + stepBack.
 */
export function availability(tiers: Record<string, Limit>, { stepBack = 0 }: { stepBack?: Micros } = {}): Property<LimiterFact | KernelFact> {
  const meter = contractMeter('sliding-window', -stepBack);
  let failClosedDenials = 0;
  let first: { t: Micros; user: string; node: string } | undefined;
  return {
    name: 'availability',
    watches: ['decided'],
    observe(fact) {
      if (fact.kind !== 'decided') return undefined;
      const d = fact.data;
      const limit = tiers[d.tier]!;
      if (d.allowed) {
        meter.admit(d.user, fact.t + d.delay, limit, d.cost);
        return undefined;
      }
      if (!meter.conforms(d.user, fact.t, limit, d.cost)) return undefined;
      if (d.cause === 'limit') {
        return { message: `${fact.node} denied request ${d.request} of ${d.user}, which was under its limit of ${limit.limit}`, nodes: [fact.node] };
      }
      failClosedDenials++;
      first ??= { t: fact.t, user: d.user, node: fact.node };
      return undefined;
    },
    finish() {
      if (failClosedDenials === 0) return undefined;
      return {
        message: `${failClosedDenials} requests under their user's limit were denied by servers failing closed ` +
          `while the store did not answer in time; the first at ${formatTime(first!.t)} (${first!.user} on ${first!.node})`,
        nodes: [first!.node],
      };
    },
  };
}
