import { describe, expect, it } from 'vitest';
import { ConfigError, defineScenario, minutes, ms, Random, runScenario, seconds } from '../../src/kernel/index.js';
import { apiServer } from '../../src/designs/rate-limiter/api-server.js';
import type { BackwardClock } from '../../src/designs/rate-limiter/algorithms.js';
import { drawTraffic, scriptedTraffic } from '../../src/designs/rate-limiter/traffic.js';
import { limiterScenario, STORE_TIMEOUT, TIERS, tierLimits } from '../../src/designs/rate-limiter/system.js';

const base = { system: '', tiers: tierLimits(TIERS), store: 'redis' };

describe('configuration mistakes are ConfigErrors that say what is wrong', () => {
  it('hybrid sync needs a counter algorithm', () => {
    expect(() => apiServer({ ...base, algorithm: 'token-bucket', deployment: { kind: 'hybrid', syncInterval: ms(1000), timeout: ms(100) } })).toThrow(
      new ConfigError('hybrid sync adds up counters; token-bucket keeps none (use fixed-window or sliding-counter)'),
    );
  });
  it('the seed script is a sliding log', () => {
    expect(() => apiServer({ ...base, algorithm: 'fixed-window', deployment: { kind: 'seed-script', timeout: STORE_TIMEOUT, onStoreDown: 'open' } })).toThrow(/the seed script is a sliding window log/);
  });
  it('a store deployment needs a store, and a limit must be positive', () => {
    expect(() => apiServer({ ...base, store: undefined, algorithm: 'sliding-log', deployment: { kind: 'read-then-write', timeout: STORE_TIMEOUT, onStoreDown: 'open' } })).toThrow(/needs a store/);
    expect(() => apiServer({ ...base, tiers: { free: { limit: 0, window: minutes(1) } }, algorithm: 'sliding-log', deployment: { kind: 'local' } })).toThrow(/limit must be a positive integer/);
  });
  it('onBackwardClock is the token bucket\'s, and one of two words', () => {
    expect(() => apiServer({ ...base, algorithm: 'gcra', onBackwardClock: 'follow', deployment: { kind: 'local' } })).toThrow(ConfigError);
    expect(() => apiServer({ ...base, algorithm: 'token-bucket', onBackwardClock: 'later' as BackwardClock, deployment: { kind: 'local' } })).toThrow(/onBackwardClock must be 'keep-later' or 'follow'/);
  });
  it('a request\'s cost is a whole number of 1 or more, and the seed script takes none', () => {
    const mix = { users: 1, servers: 1, duration: minutes(1), resolution: 1, tiers: TIERS, kinds: { steady: 1 } };
    expect(() => scriptedTraffic([{ client: 'clients', at: seconds(1), kind: 'requests', user: 'u0', count: 1, cost: 0 }], mix)).toThrow(/"cost" must be a whole number of 1 or more/);
    const seedScriptWithCost = defineScenario({
      description: 'seed script with a cost', expect: 'safe', seeds: 1,
      ...limiterScenario({
        algorithm: 'sliding-log', servers: 1, users: 1, trafficFor: seconds(5), kinds: { steady: 1 },
        deployment: { kind: 'seed-script', timeout: STORE_TIMEOUT, onStoreDown: 'closed' }, judge: ['sliding-window'],
        script: [{ client: 'clients', at: seconds(1), kind: 'requests', user: 'u0', count: 1, cost: 2 }],
      }),
    });
    expect(() => runScenario(seedScriptWithCost, 1)).toThrow(/the seed script admits one request per call; it takes no cost/);
  });
  it('traffic shares must add up', () => {
    const mix = { users: 10, servers: 2, duration: minutes(1), resolution: 1, tiers: TIERS, kinds: { steady: 0.5 } };
    expect(() => drawTraffic(new Random('t'), mix)).toThrow(/user kind shares must add up to 1/);
  });
});
