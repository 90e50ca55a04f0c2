import { describe, expect, it } from 'vitest';
import { LocalClock, seconds } from '../../src/kernel/index.js';

describe("a node's clock", () => {
  it('reads true time plus its offset', () => {
    expect(new LocalClock(250).read(seconds(1))).toBe(seconds(1) + 250);
  });

  it('drifts by parts per million of elapsed true time', () => {
    const fast = new LocalClock(0, 1_000); // 0.1% fast
    expect(fast.read(seconds(10))).toBe(seconds(10) + 10_000);
    expect(new LocalClock(0, -1_000).read(seconds(10))).toBe(seconds(10) - 10_000);
  });

  it('can step backwards, as an NTP correction does, and then runs on from there', () => {
    const clock = new LocalClock();
    clock.jump(seconds(5), -seconds(2));
    expect(clock.read(seconds(5))).toBe(seconds(3));
    expect(clock.read(seconds(6))).toBe(seconds(4));
  });

  it('keeps what it read before a drift change when the drift changes', () => {
    const clock = new LocalClock(0, 0);
    clock.setDrift(seconds(10), 500_000);
    expect(clock.read(seconds(10))).toBe(seconds(10));
    expect(clock.read(seconds(12))).toBe(seconds(13));
  });

  it('stretches timers by drift but not by jumps (timers run on the monotonic clock)', () => {
    const slow = new LocalClock(0, -500_000); // runs at half speed
    expect(slow.trueDuration(seconds(1))).toBe(seconds(2));
    const jumped = new LocalClock();
    jumped.jump(0, seconds(100));
    expect(jumped.trueDuration(seconds(1))).toBe(seconds(1));
  });
});
