import type { StateMachine } from '../raft/core.js';

/** Reads go through the log like writes, so a get is answered only once a majority has ordered it. */
export type KvCommand = { type: 'put'; key: string; value: string } | { type: 'get'; key: string };
export type KvResult = { type: 'put-ok' } | { type: 'value'; value: string | null };
export type KvState = Readonly<Record<string, string>>;

/** A key-value store as a replicated state machine: the semantics of the checker's `kv` model. */
export const kvMachine: StateMachine<KvCommand, KvState, KvResult> = {
  initial: {},
  apply(state, command) {
    if (command.type === 'get') return { state, result: { type: 'value', value: state[command.key] ?? null } };
    return { state: { ...state, [command.key]: command.value }, result: { type: 'put-ok' } };
  },
};
