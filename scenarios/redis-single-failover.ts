import { defineScenario } from '../src/kernel/index.js';
import { primaryCrash, redisLockSystem } from '../src/designs/redis-lock/system.js';

/**
 * The single-Redis lock with a replica for availability. Replication is
 * asynchronous: when the primary dies just after granting, the promoted replica
 * has never heard of the lock and grants it again.
 */
export default defineScenario({
  description: 'Single-Redis lock with async replication; the primary crashes and Sentinel fails over',
  expect: { violates: 'mutual-exclusion' },
  seeds: 100,
  ...redisLockSystem,
  faults: primaryCrash,
});
