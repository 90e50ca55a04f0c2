import { ConfigError } from './errors.js';
import type { Micros } from './time.js';

/**
 * A node's wall clock: true time plus an offset, running fast or slow by a drift
 * in parts per million. Skew and jumps (an NTP step, forwards or backwards) move
 * the offset. Nodes read only this; true time belongs to the kernel and checkers.
 *
 * Timers are measured on the node's monotonic clock: drift stretches them, jumps
 * do not (as with CLOCK_MONOTONIC), so a jump only changes what `now()` reads.
 */
export class LocalClock {
  private anchorTrue: Micros = 0;
  private anchorLocal: Micros;
  private driftPpm: number;

  constructor(offset: Micros = 0, driftPpm = 0) {
    this.anchorLocal = offset;
    this.driftPpm = checkDrift(driftPpm);
  }

  read(trueTime: Micros): Micros {
    const elapsed = trueTime - this.anchorTrue;
    return this.anchorLocal + elapsed + Math.floor((elapsed * this.driftPpm) / 1_000_000);
  }

  /** Steps the clock by `delta` (negative: backwards) at `trueTime`. */
  jump(trueTime: Micros, delta: Micros): void {
    this.reanchor(trueTime);
    this.anchorLocal += delta;
  }

  setDrift(trueTime: Micros, driftPpm: number): void {
    this.reanchor(trueTime);
    this.driftPpm = checkDrift(driftPpm);
  }

  /** True time that passes while this clock's monotonic reading advances by `local`. */
  trueDuration(local: Micros): Micros {
    if (this.driftPpm === 0) return local;
    return Math.ceil((local * 1_000_000) / (1_000_000 + this.driftPpm));
  }

  /** How far this clock reads from true time at `trueTime`. */
  offsetAt(trueTime: Micros): Micros {
    return this.read(trueTime) - trueTime;
  }

  private reanchor(trueTime: Micros): void {
    this.anchorLocal = this.read(trueTime);
    this.anchorTrue = trueTime;
  }
}

/** At -1,000,000 ppm a clock stands still and below it runs backwards: its timers would never fire, or fire in the past. */
function checkDrift(driftPpm: number): number {
  if (!(driftPpm > -1_000_000)) throw new ConfigError(`a clock drift of ${driftPpm} ppm would stop the clock or run it backwards: drift must be above -1,000,000 ppm`);
  return driftPpm;
}
