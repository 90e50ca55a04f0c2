import { describe, expect, it } from 'vitest';
import { ConfigError, minutes, ms, Random } from '../../src/kernel/index.js';
import { apiServer } from '../../src/designs/rate-limiter/api-server.js';
import { drawTraffic } from '../../src/designs/rate-limiter/traffic.js';
import { STORE_TIMEOUT, TIERS, tierLimits } from '../../src/designs/rate-limiter/system.js';

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
  it('traffic shares must add up', () => {
    const mix = { users: 10, servers: 2, duration: minutes(1), resolution: 1, tiers: TIERS, kinds: { steady: 0.5 } };
    expect(() => drawTraffic(new Random('t'), mix)).toThrow(/user kind shares must add up to 1/);
  });
});
