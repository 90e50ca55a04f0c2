import { describe, expect, it } from 'vitest';
import { ConfigError, ms, type Effect, type Micros } from '../../src/kernel/index.js';
import {
  ClockMovedBackwardsError,
  NotReservedError,
  SnowflakeGenerator,
  type GeneratorOptions,
  type Reservation,
  type WaitReason,
} from '../../src/designs/snowflake/generator.js';
import { DiskHighWater } from '../../src/designs/snowflake/high-water.js';
import { parseId, TWITTER_EPOCH } from '../../src/designs/snowflake/id.js';
import type { Disk } from '../../src/kernel/index.js';

const START = 1699900000000;

/** A wall clock the test moves by hand; a sleep the generator asks for moves it forward. */
class TestClock {
  constructor(public now: Micros = ms(START)) {}
  read = () => this.now;
  step(delta: Micros) {
    this.now += delta;
  }
}

/** Runs `generate()` to its end outside a simulation: each sleep advances the clock by its duration. Returns the ID and the time slept. */
function generate(generator: SnowflakeGenerator, clock: TestClock): { id: bigint; slept: Micros } {
  const workflow = generator.generate();
  let slept = 0;
  let next = workflow.next();
  while (!next.done) {
    const effect: Effect = next.value;
    if (effect.kind !== 'sleep') throw new Error('a generator only sleeps');
    clock.step(effect.duration);
    slept += effect.duration;
    next = workflow.next();
  }
  return { id: next.value, slept };
}

function makeGenerator(clock: TestClock, options: GeneratorOptions = {}, nodeId = 42) {
  const waits: Array<[WaitReason, number]> = [];
  const generator = new SnowflakeGenerator(nodeId, clock.read, { ...options, onWait: (reason, behind) => waits.push([reason, behind]) });
  return { generator, waits };
}

describe("the seed's SnowflakeGenerator", () => {
  it("issues 1724131680056418304 at 1699900000000 ms on node 42, then the next sequence numbers in the same millisecond", () => {
    const clock = new TestClock();
    const { generator } = makeGenerator(clock);
    expect(generate(generator, clock).id).toBe(1724131680056418304n);
    expect(generate(generator, clock).id).toBe(1724131680056418305n);
    clock.step(ms(1));
    expect(parseId(generate(generator, clock).id)).toEqual({ timestamp: START + 1, nodeId: 42, sequence: 0 });
  });

  it('truncates the microsecond clock to milliseconds, as int(time.time() * 1000) does', () => {
    const clock = new TestClock(ms(START) + 999);
    expect(makeGenerator(clock).generator.currentTimeMillis()).toBe(START);
  });

  it('issues 4,096 IDs in one millisecond, then spins to the next one and starts again at sequence 0', () => {
    const clock = new TestClock(ms(START) + 250);
    const { generator, waits } = makeGenerator(clock);
    const ids = Array.from({ length: 4096 }, () => generate(generator, clock));
    expect(ids.every((r) => r.slept === 0)).toBe(true);
    expect(ids.map((r) => parseId(r.id).sequence)).toEqual(Array.from({ length: 4096 }, (_, i) => i));
    const next = generate(generator, clock);
    expect(parseId(next.id)).toEqual({ timestamp: START + 1, nodeId: 42, sequence: 0 });
    expect(next.slept).toBe(750); // until the clock reads the next millisecond
    expect(waits).toEqual([['sequence-exhausted', 0]]);
    expect(generator.spins).toBe(1);
  });

  it('keeps spinning while the clock steps back during the spin, until it passes the exhausted millisecond', () => {
    const clock = new TestClock();
    const { generator } = makeGenerator(clock);
    for (let i = 0; i < 4096; i++) generate(generator, clock);
    const workflow = generator.generate();
    expect(workflow.next().done).toBe(false); // asleep, waiting for the next millisecond
    clock.step(ms(1) - ms(5)); // the sleep's millisecond, minus an NTP step of 5 ms
    let next = workflow.next();
    let spins = 1;
    while (!next.done) {
      clock.step((next.value as { duration: Micros }).duration);
      spins++;
      next = workflow.next();
    }
    expect(parseId(next.value).timestamp).toBe(START + 1);
    expect(spins).toBe(generator.spins);
    expect(generator.spins).toBeGreaterThan(1);
  });

  it('throws ClockMovedBackwardsError while the clock reads before the last timestamp', () => {
    const clock = new TestClock();
    const { generator } = makeGenerator(clock);
    generate(generator, clock);
    clock.step(-ms(30));
    expect(() => generate(generator, clock)).toThrowError(new ClockMovedBackwardsError(30));
    clock.step(ms(30));
    expect(parseId(generate(generator, clock).id).sequence).toBe(1);
  });

  it('rejects a node id outside 0..1023 as a configuration error', () => {
    expect(() => new SnowflakeGenerator(1024, () => 0)).toThrow(ConfigError);
    expect(() => new SnowflakeGenerator(-1, () => 0)).toThrow(ConfigError);
  });

  it('forgets everything in a new process: restarted behind its last timestamp, it issues the same ID again', () => {
    const clock = new TestClock();
    const first = generate(makeGenerator(clock).generator, clock).id;
    clock.step(ms(2));
    clock.step(-ms(2)); // restart, and NTP steps the clock back
    expect(generate(makeGenerator(clock).generator, clock).id).toBe(first);
  });
});

describe('the clock-backwards policies', () => {
  it('wait: holds until the clock catches up, then continues the sequence', () => {
    const clock = new TestClock();
    const { generator, waits } = makeGenerator(clock, { backwards: 'wait' });
    generate(generator, clock);
    clock.step(-ms(40));
    const after = generate(generator, clock);
    expect(after.slept).toBe(ms(40));
    expect(parseId(after.id)).toEqual({ timestamp: START, nodeId: 42, sequence: 1 });
    expect(waits).toEqual([['clock-backwards', 40]]);
  });

  it('logical: keeps issuing from the last timestamp, and borrows the next millisecond when the sequence runs out', () => {
    const clock = new TestClock();
    const { generator, waits } = makeGenerator(clock, { backwards: 'logical' });
    generate(generator, clock);
    clock.step(-ms(40));
    const ids = Array.from({ length: 4096 }, () => generate(generator, clock));
    expect(ids.every((r) => r.slept === 0)).toBe(true);
    expect(parseId(ids[4094]!.id)).toEqual({ timestamp: START, nodeId: 42, sequence: 4095 });
    expect(parseId(ids[4095]!.id)).toEqual({ timestamp: START + 1, nodeId: 42, sequence: 0 }); // 41 ms ahead of the clock
    expect(waits).toEqual([]);
  });

  it('resumes after a given millisecond as if its sequence were exhausted there', () => {
    const clock = new TestClock();
    const { generator } = makeGenerator(clock, { backwards: 'wait', resumeAfter: START + 10 });
    const first = generate(generator, clock);
    expect(parseId(first.id).timestamp).toBe(START + 11);
    expect(first.slept).toBe(ms(11));
  });
});

describe('reservations', () => {
  class MemoryDisk implements Disk {
    readonly map = new Map<string, unknown>();
    get<T>(key: string) {
      return this.map.get(key) as T | undefined;
    }
    set(key: string, value: unknown) {
      this.map.set(key, value);
    }
    delete(key: string) {
      this.map.delete(key);
    }
    write(key: string, value: unknown) {
      this.map.set(key, value);
    }
    sync() {}
  }

  it('a persisted high-water mark is written a block ahead, once per block, and a restart resumes above it', () => {
    const clock = new TestClock();
    const disk = new MemoryDisk();
    const highWater = new DiskHighWater(disk, 100);
    const { generator } = makeGenerator(clock, { reservations: [highWater] });
    for (let i = 0; i < 150; i++) {
      generate(generator, clock);
      clock.step(ms(1));
    }
    expect(highWater.writes).toBe(2);
    expect(highWater.mark).toBe(START + 101 + 100); // written at START (to +100), then at START + 101
    // The process restarts and NTP steps the clock 1 s back: the new generator starts above the mark.
    clock.step(-ms(1000));
    const restarted = makeGenerator(clock, { backwards: 'wait', resumeAfter: new DiskHighWater(disk, 100).mark }).generator;
    expect(parseId(generate(restarted, clock).id).timestamp).toBe(START + 202);
  });

  it('a refused timestamp is used up: the next ID skips its sequence number rather than repeat one', () => {
    const clock = new TestClock();
    let refuse = false;
    const gate: Reservation = {
      reserve() {
        if (refuse) throw new NotReservedError('not-reserved', 'refused by the test');
      },
    };
    const { generator } = makeGenerator(clock, { reservations: [gate] });
    const first = generate(generator, clock).id;
    clock.step(ms(1));
    refuse = true;
    expect(() => generate(generator, clock)).toThrow(NotReservedError);
    refuse = false;
    clock.step(-ms(1)); // back in the first millisecond: sequence 1 there must still be new
    expect(() => generate(generator, clock)).toThrow(ClockMovedBackwardsError);
    clock.step(ms(1));
    const next = parseId(generate(generator, clock).id);
    expect(next).toEqual({ timestamp: START + 1, nodeId: 42, sequence: 1 });
    expect(parseId(first).timestamp).toBe(START);
  });
});

describe('the naive number port as a generator', () => {
  it('issues the same ID twice in one millisecond', () => {
    const clock = new TestClock();
    const { generator } = makeGenerator(clock, { arithmetic: 'number' });
    const a = generate(generator, clock).id;
    const b = generate(generator, clock).id;
    expect(b).toBe(a);
    expect(generator.epoch).toBe(TWITTER_EPOCH);
  });
});
