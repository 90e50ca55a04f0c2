import { ms, seconds, type ScenarioSpec } from '../../kernel/index.js';
import { kvModel, linearizable } from '../../check/linearizability/index.js';
import { raftSafety } from '../raft/properties.js';
import { raftServer, type RaftVariant } from '../raft/server.js';
import { clients, raftTiming, randomFaults, servers } from '../raft/system.js';
import { raftKvClient } from './client.js';
import { kvMachine } from './machine.js';

export interface RaftKvSystemOptions {
  variant?: RaftVariant;
}

/**
 * A key-value store on the same three Raft servers and under the same random fault
 * schedule as every Raft scenario (`raft/system.ts`); three clients read and write
 * three keys, and the linearizability checker judges everything they saw at the end
 * of the run.
 */
export function raftKvSystem(options: RaftKvSystemOptions = {}): Pick<ScenarioSpec, 'duration' | 'build' | 'faults'> {
  return {
    duration: seconds(20),
    build(world) {
      for (const id of servers) world.node(id, raftServer({ servers, timing: raftTiming, variant: options.variant, machine: () => kvMachine }));
      for (const id of clients) {
        world.node(id, raftKvClient({ servers, keys: ['x', 'y', 'z'], timeout: ms(100), attempts: 10, think: { min: ms(5), max: ms(50) } }));
      }
      for (const property of raftSafety()) world.property(property);
      world.property(linearizable(kvModel));
    },
    faults: randomFaults,
  };
}
