import { defineScenario } from '../src/kernel/index.js';
import { NETWORK } from '../src/designs/cdn/system.js';
import { buildStudy, STUDY, studyFaults, studySummary } from '../src/designs/cdn/study.js';

/**
 * Origin load and hit ratio as edges fail: edges with and without request
 * coalescing, plays placed by consistent hashing with and without bounded loads,
 * the same viewers, plays and links in each, losing one edge of 8 for good every
 * 20 s. `sim run` prints the table. Each system is checked for rebuffering.
 */
export default defineScenario({
  description: 'CDN study: coalescing × bounded loads as 0–3 of 8 edges fail; 3,200 viewers per design (about 100,000 segment requests each)',
  expect: 'safe',
  duration: STUDY.duration,
  seeds: 1,
  maxEvents: 50_000_000,
  network: NETWORK,
  params: { clients: { default: 3_200 } },
  build: (world, { clients }) => buildStudy(world, { clients }),
  faults: (_random, _world, { clients }) => studyFaults(clients),
  summary: ({ clients }) => studySummary({ clients }),
  exempt: { '*': 'a study measures each design as edges fail, crashing only the edges it scripts; cdn-coalescing-bba is judged for fault coverage' },
});
