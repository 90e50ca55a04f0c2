import { defineScenario, minutes } from '../src/kernel/index.js';
import { limiterScenario } from '../src/designs/rate-limiter/system.js';

/**
 * "Local memory: fast but not shared." Each of 4 API servers keeps its own sliding
 * log with the full limit; a user whose requests the load balancer spreads over every
 * server gets up to 4L per minute.
 */
export default defineScenario({
  description: 'Sliding window log in each API server\'s local memory (4 servers); users spread over every server',
  expect: { violates: 'sliding-window-limit' },
  seeds: 3,
  ...limiterScenario({
    algorithm: 'sliding-log', servers: 4, users: 10, trafficFor: minutes(2),
    kinds: { steady: 0.5, spread: 0.5 },
    deployment: { kind: 'local' },
    judge: ['sliding-window'],
  }),
});
