import { ConfigError, type Random } from '../../kernel/index.js';

/**
 * A follower graph as plain data: who follows whom at the start of a run. Users
 * are `u1`..`uN`; `followers.get(u)` lists who follows `u`.
 */
export interface FollowGraph {
  users: string[];
  followers: Map<string, string[]>;
  following: Map<string, string[]>;
}

export interface GraphOptions {
  users: number;
  /** How many accounts each user follows, uniform in [min, max] (capped by the users there are). */
  follows: [number, number];
  /**
   * The Zipf exponent of popularity: the followee of each follow is the user of rank
   * r with probability ∝ 1/r^s, so a few users have very many followers. Measured
   * follower counts on Twitter follow a power law with exponent about 2 for the
   * tail (Kwak et al., "What is Twitter, a social network or a news media?", WWW
   * 2010, §3), which a Zipf rank law of exponent about 1 gives.
   */
  zipf: number;
}

/** Draws the graph from `random` (a `graph` stream): the same seed, the same graph. */
export function drawGraph(random: Random, options: GraphOptions): FollowGraph {
  const n = options.users;
  if (!(Number.isInteger(n) && n >= 2)) throw new ConfigError(`the follower graph needs at least 2 users, not ${n}`);
  if (!(options.follows[0] >= 0 && options.follows[0] <= options.follows[1])) throw new ConfigError('graph: follows must be [min, max] with 0 <= min <= max');
  if (!(options.zipf >= 0)) throw new ConfigError('graph: zipf must be >= 0');
  const users = Array.from({ length: n }, (_, i) => `u${i + 1}`);
  // Cumulative Zipf weights over ranks, searched by bisection for each draw.
  const cumulative = new Float64Array(n);
  let total = 0;
  for (let r = 0; r < n; r++) cumulative[r] = total += 1 / Math.pow(r + 1, options.zipf);
  const drawRank = (): number => {
    const x = random.float() * total;
    let lo = 0;
    let hi = n - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (cumulative[mid]! > x) hi = mid;
      else lo = mid + 1;
    }
    return lo;
  };
  const followers = new Map<string, string[]>(users.map((u) => [u, []]));
  const following = new Map<string, string[]>();
  for (let i = 0; i < n; i++) {
    const want = Math.min(n - 1, random.int(options.follows[0], options.follows[1]));
    const chosen = new Set<number>();
    // A popular followee drawn twice is drawn again, a bounded number of times: the
    // tail of the law has room for every user's follows.
    for (let tries = 0; chosen.size < want && tries < want * 20; tries++) {
      const rank = drawRank();
      if (rank !== i) chosen.add(rank);
    }
    const mine = [...chosen].sort((a, b) => a - b).map((r) => users[r]!);
    following.set(users[i]!, mine);
    for (const followee of mine) followers.get(followee)!.push(users[i]!);
  }
  return { users, followers, following };
}
