import { ConfigError } from '../../kernel/index.js';

/** FNV-1a over a string's UTF-16 units, then murmur3's finalizer so that nearby keys land far apart on the ring. */
export function hash32(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

/**
 * Consistent hashing (Karger et al., STOC 1997): every edge owns `points` positions
 * on a ring of 2^32, and a key belongs to the first edge clockwise from its hash.
 * When an edge fails, only its keys move, each to the next edge clockwise; the
 * others stay where their caches are warm. Many points per edge even out the arcs.
 */
export class HashRing {
  private readonly hashes: number[];
  private readonly owners: string[];

  constructor(readonly edges: readonly string[], points = 40) {
    if (edges.length === 0) throw new ConfigError('hash ring: needs at least one edge');
    const placed = edges.flatMap((edge) => Array.from({ length: points }, (_, i) => ({ hash: hash32(`${edge}#${i}`), edge })));
    placed.sort((a, b) => a.hash - b.hash || (a.edge < b.edge ? -1 : 1));
    this.hashes = placed.map((p) => p.hash);
    this.owners = placed.map((p) => p.edge);
  }

  /** Every edge once, in the order met walking clockwise from the key: the owner first, then who takes over if it fails. */
  order(key: string): string[] {
    const h = hash32(key);
    let lo = 0;
    let hi = this.hashes.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.hashes[mid]! < h) lo = mid + 1;
      else hi = mid;
    }
    const seen = new Set<string>();
    for (let i = 0; i < this.owners.length && seen.size < this.edges.length; i++) seen.add(this.owners[(lo + i) % this.owners.length]!);
    return [...seen];
  }
}

/**
 * Consistent hashing with bounded loads (Mirrokni, Thorup and Zadimoghaddam,
 * "Consistent Hashing with Bounded Loads", SODA 2018, §2): with m balls (counting
 * the new one) in n bins, every bin's capacity is ceil((1 + ε)·m/n); a ball goes to
 * the first bin clockwise from its hash that is below capacity. No bin ever holds
 * more than its capacity, and a key still stays where it was unless its bin is full.
 * `order` is the key's ring order over the bins that may take it (the live edges).
 */
export function boundedChoice(order: readonly string[], loads: ReadonlyMap<string, number>, epsilon: number): { edge: string; capacity: number; skipped: number } {
  if (order.length === 0) throw new ConfigError('bounded loads: no edge to choose from');
  let balls = 1;
  for (const edge of order) balls += loads.get(edge) ?? 0;
  const capacity = Math.ceil(((1 + epsilon) * balls) / order.length);
  // The bins hold balls - 1 < n × capacity balls, so one is below capacity.
  const skipped = order.findIndex((edge) => (loads.get(edge) ?? 0) < capacity);
  return { edge: order[skipped]!, capacity, skipped };
}
