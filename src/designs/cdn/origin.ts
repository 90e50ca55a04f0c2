import type { NodeModel } from '../../kernel/index.js';
import { bitsOfKey } from './content.js';
import { cdnFact } from './facts.js';

export type OriginRequest = { op: 'fetch'; segment: string };
export type OriginReply = { bits: number };

/**
 * The origin: the encoded catalogue in storage behind it (Netflix's is on S3). It
 * serves every fetch, and records each as a fact at the true time it arrives: the
 * load the origin-load bound is judged on.
 */
export function origin(): NodeModel<OriginRequest> {
  return (ctx) => {
    let served = 0;
    return {
      onMessage(msg, envelope) {
        cdnFact(ctx, 'origin-request', { edge: envelope.from, segment: msg.segment });
        ctx.annotate({ served: ++served });
        ctx.reply(envelope, { bits: bitsOfKey(msg.segment) } satisfies OriginReply);
      },
    };
  };
}
