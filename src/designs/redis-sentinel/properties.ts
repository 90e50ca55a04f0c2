import type { KernelFact, Property } from '../../kernel/index.js';
import type { SentinelFact } from './facts.js';

/**
 * At most one sentinel is authorized to fail over in each epoch: redis.io, "High
 * availability with Redis Sentinel", "Configuration epochs": "every Sentinel will
 * failover the same master using a different configuration epoch". It rests on every
 * sentinel voting once per epoch and on the majority a leader needs.
 */
export function oneLeaderPerEpoch(): Property<SentinelFact | KernelFact> {
  const leaders = new Map<number, string>();
  return {
    name: 'one-leader-per-epoch',
    watches: ['failover-authorized'],
    observe(fact) {
      if (fact.kind !== 'failover-authorized') return undefined;
      const { sentinel, epoch } = fact.data;
      const earlier = leaders.get(epoch);
      if (earlier !== undefined && earlier !== sentinel) {
        return { message: `${sentinel} was authorized to fail over in epoch ${epoch}, which had already authorized ${earlier}`, nodes: [earlier, sentinel] };
      }
      leaders.set(epoch, sentinel);
      return undefined;
    },
  };
}
