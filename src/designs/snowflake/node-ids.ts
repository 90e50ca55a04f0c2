import { ConfigError, type Random } from '../../kernel/index.js';
import { MAX_DATACENTER_ID, MAX_MACHINE_ID, MAX_NODE_ID, NODE_ID_BITS, splitNodeId } from './id.js';

/**
 * How ID nodes get their 10-bit node ids (the seed's follow-up question 1), except
 * leases, which the coordination service hands out at run time (`coordinator.ts`).
 * Each returns the nodes' names with their ids.
 */
export interface NamedNodeId {
  name: string;
  nodeId: number;
}

/** Configured by hand: `snowflake-1` … `snowflake-n` with ids 1 … n. */
export function staticNodeIds(count: number): NamedNodeId[] {
  if (!(Number.isInteger(count) && count >= 1 && count <= MAX_NODE_ID)) throw new ConfigError(`static node ids: 1 to ${MAX_NODE_ID} nodes, not ${count}`);
  return Array.from({ length: count }, (_, i) => ({ name: `snowflake-${i + 1}`, nodeId: i + 1 }));
}

/** A 48-bit MAC address as 6 bytes. */
export function drawMac(random: Random): number[] {
  return Array.from({ length: 6 }, () => random.int(0, 255));
}

/**
 * The node id as a hash of the MAC: FNV-1a (32 bits) over its 6 bytes, keeping the
 * low 10 bits. Any hash into 1,024 values collides at the birthday rate:
 * `birthdayCollisionChance(n)` for n nodes.
 */
export function macHashNodeId(mac: readonly number[]): number {
  let hash = 0x811c9dc5;
  for (const byte of mac) hash = Math.imul(hash ^ byte, 0x01000193) >>> 0;
  return hash & MAX_NODE_ID;
}

/** `snowflake-1` … `snowflake-n`, each with the hash of a MAC drawn from `random`. */
export function macHashNodeIds(random: Random, count: number): NamedNodeId[] {
  return Array.from({ length: count }, (_, i) => ({ name: `snowflake-${i + 1}`, nodeId: macHashNodeId(drawMac(random)) }));
}

/** The chance that n ids drawn uniformly from 2^10 are not all distinct: 1 − ∏(1 − i/1024). */
export function birthdayCollisionChance(n: number, space = 1 << NODE_ID_BITS): number {
  let distinct = 1;
  for (let i = 1; i < n; i++) distinct *= 1 - i / space;
  return 1 - distinct;
}

/**
 * Kubernetes StatefulSet pod ordinals (`east-0`, `east-1`, …) in several clusters.
 * Used as the node id, ordinal n of every cluster gets id n: two clusters collide
 * by construction. With the datacenter split (the seed's follow-up 3), the id is
 * 5 bits of cluster and 5 bits of ordinal, and they do not.
 */
export function podOrdinalNodeIds(clusters: readonly string[], pods: number, datacenterSplit: boolean): NamedNodeId[] {
  const maxPods = datacenterSplit ? MAX_MACHINE_ID + 1 : MAX_NODE_ID + 1;
  if (!(Number.isInteger(pods) && pods >= 1 && pods <= maxPods)) throw new ConfigError(`pod ordinals: 1 to ${maxPods} pods per cluster, not ${pods}`);
  if (datacenterSplit && clusters.length > MAX_DATACENTER_ID + 1) throw new ConfigError(`the datacenter split has room for ${MAX_DATACENTER_ID + 1} datacenters, not ${clusters.length}`);
  return clusters.flatMap((cluster, c) =>
    Array.from({ length: pods }, (_, ordinal) => ({ name: `${cluster}-${ordinal}`, nodeId: datacenterSplit ? splitNodeId(c, ordinal) : ordinal })),
  );
}
