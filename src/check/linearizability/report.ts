import type { Operation } from './history.js';
import type { LinearizabilityResult, Counterexample } from './search.js';

export type TimeFormat = (t: number) => string;

/** `c1 put x 3 → ok [10, 25]`: the process, what it asked, what it saw, when. */
export function describeOperation(op: Operation, time: TimeFormat = String): string {
  const parts = [op.process, op.f];
  if (op.key !== undefined) parts.push(op.key);
  if (op.input !== undefined) parts.push(JSON.stringify(op.input));
  const seen = !op.known ? '→ ? (unknown outcome)' : op.output === undefined ? '→ ok' : `→ ${JSON.stringify(op.output)}`;
  const until = op.known ? time(op.ret) : '…';
  return `${parts.join(' ')} ${seen} [${time(op.call)}, ${until}]`;
}

/** The window the search could not order, as lines for a terminal or a breach message. */
export function describeCounterexample(c: Counterexample, time: TimeFormat = String): string[] {
  const where = c.partition === undefined ? '' : ` on key ${JSON.stringify(c.partition)}`;
  const lines = [`not linearizable${where}: ${c.linearized} of ${c.size} operations could be ordered; the last of them:`];
  if (c.recent.length === 0) lines.push('  (none)');
  for (const op of c.recent) lines.push(`  ${describeOperation(op, time)}`);
  lines.push(`state after them: ${c.state}`);
  lines.push(`then this operation must take effect before it returns, but cannot:`);
  lines.push(`  ${describeOperation(c.stuck, time)}`);
  if (c.pending.length > 0) {
    lines.push(`and no other pending operation can go first to make it possible:`);
    for (const op of c.pending) lines.push(`  ${describeOperation(op, time)}`);
  }
  return lines;
}

export function describeResult(result: LinearizabilityResult, time: TimeFormat = String): string[] {
  const scope = `${result.operations} operations in ${result.partitions} part${result.partitions === 1 ? '' : 's'}, ${result.steps} search steps`;
  switch (result.verdict) {
    case 'linearizable':
      return [`linearizable (${scope})`];
    case 'undecided':
      return [`undecided: the search ran out of steps (${scope})`];
    case 'not-linearizable':
      return [...describeCounterexample(result.counterexample, time), `(${scope})`];
  }
}
