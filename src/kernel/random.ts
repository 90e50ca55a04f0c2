/**
 * A deterministic stream of random numbers: Baagøe's alea, as seedrandom's `alea`
 * has it (~6 ns a draw, and identical on every platform because it only uses exact
 * float arithmetic). Seeded and stepped here with seedrandom's arithmetic, which a
 * test holds it to: each of seedrandom's generators is its own closure, so a call
 * site drawing from many streams (every link, every node) could not inline the step,
 * and drawing was a tenth of a run's time; and seeding through it took 2.8 µs a
 * stream, for dozens of streams a run.
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
    // seedrandom/lib/alea.js: s0..s2 start as mash(' ') three times (the same for every
    // seed), then each has mash(seed) subtracted, wrapping into [0, 1).
    let n = AFTER_SPACES.n;
    const mash = () => {
      for (let i = 0; i < seed.length; i++) n = mashStep(n, seed.charCodeAt(i));
      return (n >>> 0) * 2.3283064365386963e-10; // 2^-32
    };
    const wrap = (x: number) => (x < 0 ? x + 1 : x);
    this.s0 = wrap(AFTER_SPACES.s0 - mash());
    this.s1 = wrap(AFTER_SPACES.s1 - mash());
    this.s2 = wrap(AFTER_SPACES.s2 - mash());
    this.c = 1;
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

/** One character of Baagøe's Mash hash (seedrandom/lib/alea.js, `Mash`): the hash state `n` after `code`. */
function mashStep(n: number, code: number): number {
  n += code;
  let h = 0.02519603282416938 * n;
  n = h >>> 0;
  h -= n;
  h *= n;
  n = h >>> 0;
  h -= n;
  return n + h * 0x100000000; // 2^32
}

/** Alea's start before the seed is mixed in: Mash from its initial state over ' ', three times. */
const AFTER_SPACES = (() => {
  let n = 0xefc8249d;
  const space = () => (n = mashStep(n, 32)) >>> 0;
  const [s0, s1, s2] = [space(), space(), space()].map((x) => x * 2.3283064365386963e-10);
  return { s0: s0!, s1: s1!, s2: s2!, n };
})();
