import type { NodeModel } from '../../kernel/index.js';
import { lockFact } from './facts.js';

/** A write to the resource the lock protects. `token` is the fencing token, when the lock hands one out. */
export interface StorageWrite {
  type: 'write';
  resource: string;
  client: string;
  token: number | undefined;
}

export type StorageReply = { type: 'write-ok' } | { type: 'write-rejected'; highest: number };

export interface StorageOptions {
  /** Reject any write whose token is lower than the highest this storage has accepted. */
  fencing: boolean;
  /**
   * Where it keeps the highest token it accepted: on disk (default), or in memory (the
   * bug), so that a restarted storage has forgotten it and accepts any token again.
   */
  highestIn?: 'disk' | 'memory';
}

/**
 * The shared storage a lock protects. With fencing it remembers, durably, the
 * highest token it accepted per resource and refuses anything older: the check
 * that makes a lease lock safe even when a paused client wakes up believing it
 * still holds the lease.
 */
export function protectedStorage({ fencing, highestIn = 'disk' }: StorageOptions): NodeModel<StorageWrite> {
  return (ctx) => {
    const inMemory = new Map<string, number>();
    const highestOf = (key: string) => (highestIn === 'disk' ? ctx.disk.get<number>(key) : inMemory.get(key));
    const keepHighest = (key: string, token: number) => (highestIn === 'disk' ? ctx.disk.set(key, token) : inMemory.set(key, token));
    return {
      onMessage(write, envelope) {
        const highestKey = `highest:${write.resource}`;
        const highest = highestOf(highestKey) ?? -1;
        const accepted = !fencing || (write.token !== undefined && write.token >= highest);
        if (fencing && accepted) keepHighest(highestKey, write.token!);
        if (!accepted) ctx.probe('stale token refused by storage');
        lockFact(ctx, 'storage-write', { resource: write.resource, client: write.client, token: write.token ?? null, accepted });
        // The whiteboard's storage: the highest token it has accepted (with fencing), or who wrote last.
        if (accepted) ctx.annotate(() => ({ [write.resource]: fencing ? `highest token ${write.token}` : `last write ${write.client}${write.token === undefined ? '' : ` token ${write.token}`}` }));
        ctx.reply(envelope, (accepted ? { type: 'write-ok' } : { type: 'write-rejected', highest }) satisfies StorageReply);
      },
    };
  };
}
