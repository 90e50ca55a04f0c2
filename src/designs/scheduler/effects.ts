import type { NodeModel } from '../../kernel/index.js';
import { schedulerFact } from './facts.js';

/** A handler's side effect: one e-mail for a task, sent by one attempt. */
export type EffectRequest = { op: 'send'; task: string; attempt: string; token: number | null };
export type EffectReply = { op: 'send'; applied: boolean };

/**
 * `every`: a plain e-mail sender, every request sends (the seed's "idempotency is
 * caller's responsibility" with a caller that took none). `by-task`: the sender
 * keeps the task id as an idempotency key and sends at most once per task; with
 * claim tokens it also refuses an attempt whose token is older than one it has
 * seen for the task (a fencing token: the stale holder of an expired claim).
 */
export type EffectIdempotency = 'every' | 'by-task';

/**
 * The external system the handlers act on (an e-mail provider), recording every
 * effect with the task and the attempt: its facts are the truth about effects.
 * Its memory is durable: it is someone else's system of record.
 */
export function effectStore(idempotency: EffectIdempotency): NodeModel<EffectRequest> {
  return (ctx) => ({
    onMessage(request, envelope) {
      const { task, attempt, token } = request;
      const sent = ctx.disk.get<boolean>(`sent:${task}`);
      const newest = ctx.disk.get<number>(`token:${task}`) ?? 0;
      if (idempotency === 'by-task' && token !== null && token < newest) {
        ctx.probe('stale claim refused by the effect store');
        schedulerFact(ctx, 'effect-suppressed', { task, attempt, token, reason: 'stale-claim' });
        return ctx.reply(envelope, { op: 'send', applied: false } satisfies EffectReply);
      }
      if (token !== null && token > newest) ctx.disk.set(`token:${task}`, token);
      if (idempotency === 'by-task' && sent) {
        ctx.probe('duplicate effect suppressed by the task key');
        schedulerFact(ctx, 'effect-suppressed', { task, attempt, token, reason: 'duplicate' });
        return ctx.reply(envelope, { op: 'send', applied: false } satisfies EffectReply);
      }
      ctx.disk.set(`sent:${task}`, true);
      schedulerFact(ctx, 'effect-applied', { task, attempt, token });
      ctx.reply(envelope, { op: 'send', applied: true } satisfies EffectReply);
    },
  });
}
