import seedrandom from 'seedrandom';

/**
 * A deterministic stream of random numbers: seedrandom's alea (~6 ns a draw, and
 * identical on every platform because it only uses exact float arithmetic). The
 * generator is seeded by seedrandom and stepped here, with the same arithmetic as
 * seedrandom's `next`: each of seedrandom's generators is its own closure, so a call
 * site drawing from many streams (every link, every node) could not inline the step,
 * and drawing was a tenth of a run's time.
 */
export class Random {
  // `declare`: assigned in the constructor only. A field declared plainly is first
  // defined as undefined (ES2022 class fields), and V8 then keeps these doubles boxed,
  // allocating a number for every draw.
  private declare s0: number;
  private declare s1: number;
  private declare s2: number;
  private declare c: number;

  constructor(seed: string) {
    const { s0, s1, s2, c } = seedrandom.alea(seed, { state: true }).state();
    this.s0 = s0;
    this.s1 = s1;
    this.s2 = s2;
    this.c = c;
  }

  /** A float in [0, 1): Baagøe's alea step, as seedrandom/lib/alea.js has it. */
  float(): number {
    const t = 2091639 * this.s0 + this.c * 2.3283064365386963e-10; // 2^-32
    this.s0 = this.s1;
    this.s1 = this.s2;
    return (this.s2 = t - (this.c = t | 0));
  }

  /** An integer in [min, max], both ends included. */
  int(min: number, max: number): number {
    return min + Math.floor(this.float() * (max - min + 1));
  }

  chance(probability: number): boolean {
    return probability > 0 && this.float() < probability;
  }

  pick<T>(items: readonly T[]): T {
    if (items.length === 0) throw new Error('Random.pick: no items to pick from');
    return items[Math.floor(this.float() * items.length)]!;
  }

  /** `count` distinct items, in a random order. */
  sample<T>(items: readonly T[], count: number): T[] {
    const copy = items.slice();
    for (let i = copy.length - 1; i > 0; i--) {
      const j = Math.floor(this.float() * (i + 1));
      [copy[i], copy[j]] = [copy[j]!, copy[i]!];
    }
    return copy.slice(0, count);
  }

  /** A 32-bit id, printed as 8 hex digits: for lock values, request ids and the like. */
  hex(): string {
    // Byte by byte from a table: Number#toString(16) was a twentieth of a Redlock run.
    const n = Math.floor(this.float() * 0x1_0000_0000);
    return HEX_BYTES[n >>> 24]! + HEX_BYTES[(n >>> 16) & 0xff]! + HEX_BYTES[(n >>> 8) & 0xff]! + HEX_BYTES[n & 0xff]!;
  }
}

const HEX_BYTES = Array.from({ length: 256 }, (_, byte) => byte.toString(16).padStart(2, '0'));

/**
 * One seed, many named streams. A stream depends only on (seed, name), so a model
 * that draws one more number does not shift the draws of any other stream.
 */
export class RandomSource {
  constructor(readonly seed: number) {}

  stream(name: string): Random {
    return new Random(`${this.seed}/${name}`);
  }
}
