import { ConfigError, ms, sleep, type Effect, type Micros } from '../../kernel/index.js';
import { composeId, composeWithNumbers, MAX_NODE_ID, parseId, SEQUENCE_MASK, TWITTER_EPOCH, type ParsedId } from './id.js';

/**
 * What to do when the clock reads earlier than the last timestamp used (the seed's
 * follow-up question 2):
 * - `throw`: the seed's `ClockMovedBackwardsError` ("let operator fix NTP");
 * - `wait`: wait for the clock to catch up, holding the lock;
 * - `logical`: keep issuing from the last timestamp with the sequence, and on running
 *   out of sequence take the next millisecond without waiting for the clock: the
 *   timestamp becomes a logical clock that borrows from the future, as a hybrid
 *   logical clock does (Kulkarni et al., "Logical Physical Clocks", 2014: l = max(l, pt)).
 */
export type BackwardsPolicy = 'throw' | 'wait' | 'logical';

/** `bigint`: the seed's Python ints, exactly. `number`: a naive JS port (see `composeWithNumbers`). */
export type Arithmetic = 'bigint' | 'number';

/** Why a generator held its lock and waited for its clock. */
export type WaitReason = 'sequence-exhausted' | 'clock-backwards';

/** The seed's `ClockMovedBackwardsError`. */
export class ClockMovedBackwardsError extends Error {
  override name = 'ClockMovedBackwardsError';
  constructor(readonly byMs: number) {
    super(`Clock moved backwards by ${byMs}ms`);
  }
}

/**
 * A promise that timestamps up to some point are this generator's to use (a
 * persisted high-water mark, a node-id lease's reservation). `reserve` is called
 * with each timestamp before an ID is made from it; it throws a `NotReservedError`
 * to refuse it, or records the reservation first (on disk, say) and returns.
 */
export interface Reservation {
  reserve(timestamp: number): void;
}

export class NotReservedError extends Error {
  override name = 'NotReservedError';
  constructor(readonly reason: 'no-lease' | 'not-reserved', message: string) {
    super(message);
  }
}

export interface GeneratorOptions {
  epoch?: number;
  backwards?: BackwardsPolicy;
  arithmetic?: Arithmetic;
  reservations?: readonly Reservation[];
  /**
   * Start as if an ID had been issued in this millisecond with the last sequence
   * number: the next ID then has a later timestamp (a restart from a persisted
   * high-water mark, a lease's floor).
   */
  resumeAfter?: number;
  /** Told when a wait for the clock starts, and how far behind the last timestamp the clock reads. */
  onWait?(reason: WaitReason, behindMs: number): void;
}

/**
 * The seed's `SnowflakeGenerator`, line by line, with Python's ints as BigInts.
 * `generate` is a workflow: where the seed spins re-reading `time.time()`, it
 * sleeps on the node's monotonic clock until the wall clock's next millisecond
 * and reads the clock again (each re-read is one `spins` step). A spin in real
 * code is the same loop with a sleep of zero, so a wall clock that steps back
 * during it makes both spin until it has caught up. The seed's `threading.Lock`
 * is the node handing requests to `generate` one at a time.
 *
 * Defaults are the seed. The options are its follow-ups: another clock-backwards
 * policy, reservations, a naive port's arithmetic.
 */
export class SnowflakeGenerator {
  readonly nodeId: number;
  readonly epoch: number;
  sequence = 0;
  lastTimestamp = -1;
  /** Sleeps while waiting for the clock, each followed by a re-read: the model's count of a spin's iterations. */
  spins = 0;
  private readonly backwards: BackwardsPolicy;
  private readonly arithmetic: Arithmetic;
  private readonly reservations: readonly Reservation[];
  private readonly onWait: GeneratorOptions['onWait'];

  /** `clock` reads the node's wall clock in Unix microseconds. */
  constructor(nodeId: number, private readonly clock: () => Micros, options: GeneratorOptions = {}) {
    if (!(Number.isInteger(nodeId) && 0 <= nodeId && nodeId <= MAX_NODE_ID)) throw new ConfigError(`Node ID must be between 0 and 1023, not ${nodeId}`);
    this.nodeId = nodeId;
    this.epoch = options.epoch ?? TWITTER_EPOCH;
    this.backwards = options.backwards ?? 'throw';
    this.arithmetic = options.arithmetic ?? 'bigint';
    this.reservations = options.reservations ?? [];
    this.onWait = options.onWait;
    if (options.resumeAfter !== undefined && options.resumeAfter >= 0) {
      this.lastTimestamp = options.resumeAfter;
      this.sequence = SEQUENCE_MASK;
    }
  }

  /** `int(time.time() * 1000)`: truncated, as Python's `int` does for these positive times. */
  currentTimeMillis(): number {
    return Math.floor(this.clock() / 1000);
  }

  /** Generate a unique Snowflake ID (or throw; or, under a policy, wait). */
  *generate(): Generator<Effect, bigint, unknown> {
    let timestamp = this.currentTimeMillis();

    if (timestamp < this.lastTimestamp) {
      // Clock went backwards! The seed raises; its comment says "wait for it to catch up".
      timestamp = yield* this.clockMovedBackwards(timestamp);
    }

    if (timestamp === this.lastTimestamp) {
      // Same millisecond, increment sequence
      this.sequence = (this.sequence + 1) & SEQUENCE_MASK;
      if (this.sequence === 0) {
        // Sequence exhausted, wait for next millisecond
        timestamp = yield* this.sequenceExhausted(timestamp);
      }
    } else {
      // New millisecond, reset sequence
      this.sequence = 0;
    }

    this.lastTimestamp = timestamp;
    // Not in the seed. After the state is updated, so a refused timestamp is used up:
    // refusing it skips sequence numbers, and can never hand one out twice.
    for (const reservation of this.reservations) reservation.reserve(timestamp);

    // Construct the ID
    return this.arithmetic === 'bigint'
      ? composeId(timestamp, this.epoch, this.nodeId, this.sequence)
      : BigInt(composeWithNumbers(timestamp, this.epoch, this.nodeId, this.sequence));
  }

  /** Spin until we get to the next millisecond (the seed's `_wait_next_millis`). */
  *waitNextMillis(lastTimestamp: number): Generator<Effect, number, unknown> {
    this.startWait('sequence-exhausted', 0);
    let timestamp = this.currentTimeMillis();
    while (timestamp <= lastTimestamp) {
      yield* this.sleepUntil(lastTimestamp + 1);
      timestamp = this.currentTimeMillis();
    }
    return timestamp;
  }

  /** The seed's static `parse`: always Twitter's epoch. */
  static parse(id: bigint): ParsedId {
    return parseId(id);
  }

  private *clockMovedBackwards(timestamp: number): Generator<Effect, number, unknown> {
    switch (this.backwards) {
      case 'throw':
        throw new ClockMovedBackwardsError(this.lastTimestamp - timestamp);
      case 'wait':
        this.startWait('clock-backwards', this.lastTimestamp - timestamp);
        while (timestamp < this.lastTimestamp) {
          yield* this.sleepUntil(this.lastTimestamp);
          timestamp = this.currentTimeMillis();
        }
        return timestamp;
      case 'logical':
        return this.lastTimestamp;
    }
  }

  private *sequenceExhausted(timestamp: number): Generator<Effect, number, unknown> {
    // Borrow the next millisecond rather than wait for it.
    if (this.backwards === 'logical') return timestamp + 1;
    return yield* this.waitNextMillis(timestamp);
  }

  private startWait(reason: WaitReason, behindMs: number): void {
    this.onWait?.(reason, behindMs);
  }

  /** Sleeps (on the monotonic clock) until the wall clock should read `millis`; the caller reads it again. */
  private *sleepUntil(millis: number): Generator<Effect, void, unknown> {
    this.spins++;
    yield* sleep(Math.max(1, ms(millis) - this.clock()));
  }
}
