import { raftKvSystem } from '../src/designs/raft-kv/system.js';
import { defineScenario } from '../src/kernel/index.js';

/** Every get and put goes through the Raft log: whatever the faults, what clients see is linearizable. */
export default defineScenario({
  description: 'Key-value store on 3 Raft servers, reads through the log; random partitions, crashes, pauses, loss, clock jumps; histories checked for linearizability',
  expect: 'safe',
  seeds: 300,
  ...raftKvSystem(),
  requires: ['leader stepped down', 'retry deduplicated by the session table', 'retry answered from the session table'],
});
