import type { NodeContext } from '../../kernel/index.js';
import type { EditStep } from './editing.js';

const KEYSTROKE = 'keystroke';

/**
 * Types a client's steps at their times (since the session started, on the client's
 * own clock). Where it got to is on disk, so a client that crashed resumes after
 * its restart and types the keystrokes that fell due while it was down at once, as
 * a person retyping what they lost the moment the editor is back.
 */
export function session(ctx: NodeContext, steps: readonly EditStep[], type: (step: EditStep) => void) {
  const mine = steps.filter((step) => step.client === ctx.id);
  const saved = ctx.disk.get<{ startedAt: number; next: number }>('session');
  const startedAt = saved?.startedAt ?? ctx.now();
  let next = saved?.next ?? 0;
  const schedule = () => {
    if (next < mine.length) ctx.setTimer(Math.max(0, startedAt + mine[next]!.at - ctx.now()), KEYSTROKE);
  };
  return {
    start() {
      ctx.disk.set('session', { startedAt, next });
      schedule();
    },
    /** Handles the session's timer; false for any other tag. */
    onTimer(tag: unknown): boolean {
      if (tag !== KEYSTROKE) return false;
      const step = mine[next++]!;
      ctx.disk.set('session', { startedAt, next });
      type(step);
      schedule();
      return true;
    },
  };
}

/** A replica's text as its lane shows it: short enough to read on a diagram. */
export const shortText = (text: string): string => (text.length <= 24 ? text : `${text.slice(0, 23)}…`);
