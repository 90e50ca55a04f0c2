import type { NodeModel } from '../../kernel/index.js';
import type { RaftMessage } from '../raft/core.js';
import { raftServer, type RaftTiming, type RaftVariant } from '../raft/server.js';
import { raftLockFact } from './facts.js';
import { lockMachine, type LockCommand, type LockMachineOptions } from './machine.js';

export interface RaftLockServerOptions {
  servers: readonly string[];
  timing: RaftTiming;
  variant?: RaftVariant;
  expiry: LockMachineOptions['expiry'];
}

/**
 * One replica of the lock service: a Raft server whose state machine is the lock
 * table. A grant becomes real when the leader tells the client; that is the
 * `lock-granted { resource, client, token }` fact the lock properties judge.
 */
export function raftLockServer(options: RaftLockServerOptions): NodeModel<RaftMessage<LockCommand>> {
  return raftServer({
    servers: options.servers,
    timing: options.timing,
    variant: options.variant,
    machine: lockMachine({ expiry: options.expiry, heartbeat: options.timing.heartbeat }),
    answered(ctx, command, result) {
      if (command.type === 'acquire' && result.type === 'granted') {
        raftLockFact(ctx, 'lock-granted', { resource: command.resource, client: command.client, token: result.token });
      }
    },
  });
}
