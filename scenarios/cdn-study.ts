import { defineScenario } from '../src/kernel/index.js';
import { NETWORK } from '../src/designs/cdn/system.js';
import { buildStudy, STUDY, studyFaults, studySummary } from '../src/designs/cdn/study.js';

/**
 * Origin load and hit ratio as edges fail: edges with and without request
 * coalescing, plays placed by consistent hashing with and without bounded loads,
 * the same viewers, plays and links in each, losing one edge of 8 for good every
 * 20 s. `sim run` prints the table. Each system is checked for rebuffering.
 * `sim check` runs 400 viewers per design; the README's table is
 * `npx sim run scenarios/cdn-study.ts --param clients=3200`.
 */
export default defineScenario({
  description: 'CDN study: coalescing × bounded loads as 0–3 of 8 edges fail; 400 viewers per design unless --param clients=… (3,200: about 130,000 segment requests each)',
  expect: 'safe',
  duration: STUDY.duration,
  seeds: 1,
  maxEvents: 50_000_000,
  network: NETWORK,
  params: { clients: { default: 400, max: 32_000 } },
  build: (world, { clients }) => buildStudy(world, { clients }),
  faults: (_random, _world, { clients }) => studyFaults(clients),
  summary: ({ clients }) => studySummary({ clients }),
  exempt: { '*': 'a study measures each design as edges fail, crashing only the edges it scripts; cdn-coalescing-bba is judged for fault coverage' },
});
