import { ConfigError, ms, type Micros, type Random } from '../../kernel/index.js';

/**
 * One keystroke of an editing session, as plain data: the random workload draws
 * these, and a script (a published interleaving typed in) is a list of them.
 * `at` is the time since the session started on the client's own clock. `index`
 * wraps modulo the text length at that moment (an insert may also go at the end),
 * so a drawn index is always valid; a script types exact positions by giving
 * indices within the text.
 */
export type EditStep =
  | { client: string; at: Micros; op: 'insert'; index: number; ch: string }
  | { client: string; at: Micros; op: 'delete'; index: number };

export interface SessionOptions {
  clients: readonly string[];
  /** Time window the sessions type in. */
  window: [Micros, Micros];
  /** Typing bursts per client, uniform in [min, max]. */
  bursts: [number, number];
  /** Keystrokes per burst, uniform in [min, max]. */
  burstLength: [number, number];
  /** Share of bursts that are backspaces rather than typing. */
  deleteShare: number;
  /** Highest index drawn: positions wrap modulo the text length, so this spreads edits over the text. */
  maxIndex: number;
}

const GAP = ms(40);
const LETTERS = 'abcdefghijklmnopqrstuvwxyz';

/**
 * Typing bursts drawn from the seed: each burst starts at a random time and place
 * and types (or backspaces) consecutive characters 40 ms apart, as a person does.
 */
export function drawSessions(random: Random, options: SessionOptions): EditStep[] {
  const steps: EditStep[] = [];
  for (const client of options.clients) {
    for (let n = random.int(...options.bursts); n > 0; n--) {
      const start = random.int(...options.window);
      const length = random.int(...options.burstLength);
      const index = random.int(0, options.maxIndex);
      const deleting = random.float() < options.deleteShare;
      for (let k = 0; k < length; k++) {
        const at = start + k * GAP;
        steps.push(deleting ? { client, at, op: 'delete', index: Math.max(0, index - k) } : { client, at, op: 'insert', index: index + k, ch: LETTERS[random.int(0, LETTERS.length - 1)]! });
      }
    }
  }
  return steps.sort((a, b) => a.at - b.at);
}

/** A script's problems as one ConfigError: a client that does not exist, a time outside the run, a bad index or character. */
export function validateScript(steps: readonly EditStep[], clients: readonly string[], duration: Micros): void {
  for (const [i, step] of steps.entries()) {
    const where = `script step ${i + 1}`;
    if (!clients.includes(step.client)) throw new ConfigError(`${where} is for '${step.client}', which does not exist (clients: ${clients.join(', ')})`);
    if (!Number.isSafeInteger(step.at) || step.at < 0 || step.at >= duration) throw new ConfigError(`${where}: at must be a time within the run (0 to ${duration} µs), not ${step.at}`);
    if (!Number.isSafeInteger(step.index) || step.index < 0) throw new ConfigError(`${where}: index must be an integer >= 0, not ${step.index}`);
    if (step.op === 'insert' && (typeof step.ch !== 'string' || [...step.ch].length !== 1)) throw new ConfigError(`${where}: an insert types exactly one character, not ${JSON.stringify(step.ch)}`);
    if (step.op !== 'insert' && step.op !== 'delete') throw new ConfigError(`${where}: op must be 'insert' or 'delete'`);
  }
}

/** The step's position in a text of `length` characters, or undefined for a backspace on an empty text. */
export function positionOf(step: EditStep, length: number): number | undefined {
  if (step.op === 'insert') return step.index % (length + 1);
  return length === 0 ? undefined : step.index % length;
}
