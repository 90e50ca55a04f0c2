import type { Disk } from '../../kernel/index.js';
import type { Reservation } from './generator.js';

const KEY = 'snowflake-high-water';

/**
 * A persisted high-water mark: before a generator uses a timestamp above the mark
 * on disk, it writes a new mark `block` milliseconds further on, so it writes
 * once per block rather than once per millisecond (a real one would fsync: one
 * every `block` ms). After a restart the generator resumes above the mark, so it
 * never reissues a millisecond it may have used, whatever its clock reads.
 *
 * The price: a restarted node's first ID waits (or, under the logical-clock policy,
 * borrows) up to `block` ms beyond the last one it issued, plus however far its
 * clock went back.
 */
export class DiskHighWater implements Reservation {
  writes = 0;

  constructor(
    private readonly disk: Disk,
    private readonly block: number,
  ) {}

  /** The highest timestamp this node may have used; -1 if it has none. */
  get mark(): number {
    return this.disk.get<number>(KEY) ?? -1;
  }

  reserve(timestamp: number): void {
    if (timestamp <= this.mark) return;
    this.disk.set(KEY, timestamp + this.block);
    this.writes++;
  }
}
