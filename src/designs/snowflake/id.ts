/**
 * The 64-bit Snowflake ID of designs.txt Problem 5: a 0 sign bit, 41 bits of
 * milliseconds since an epoch, 10 bits of node id, 12 bits of sequence.
 *
 * IDs are BigInts: a JS number is a double and holds integers exactly only up to
 * 2^53, while an ID of 2023 is about 1.7·10^18 ≈ 2^60.6 (see `composeWithNumbers`
 * for what a port that forgets this does). Facts and traces carry IDs as decimal
 * strings, because JSON has no BigInt.
 */

/** Twitter's epoch, 2010-11-04T01:42:54.657Z: the seed's default, and what its `parse` always adds back. */
export const TWITTER_EPOCH = 1288834974657;
export const TIMESTAMP_BITS = 41;
export const NODE_ID_BITS = 10;
export const SEQUENCE_BITS = 12;
export const MAX_NODE_ID = (1 << NODE_ID_BITS) - 1;
/** `0xFFF`: the seed's mask; 4,096 IDs per millisecond per node. */
export const SEQUENCE_MASK = (1 << SEQUENCE_BITS) - 1;

/** The seed's follow-up 3: split the node id into 5 bits of datacenter and 5 bits of machine. */
export const DATACENTER_BITS = 5;
export const MACHINE_BITS = NODE_ID_BITS - DATACENTER_BITS;
export const MAX_MACHINE_ID = (1 << MACHINE_BITS) - 1;
export const MAX_DATACENTER_ID = (1 << DATACENTER_BITS) - 1;

/** `((timestamp - epoch) << 22) | (node_id << 12) | sequence`, exactly, in BigInt arithmetic. */
export function composeId(timestamp: number, epoch: number, nodeId: number, sequence: number): bigint {
  return (BigInt(timestamp - epoch) << 22n) | (BigInt(nodeId) << 12n) | BigInt(sequence);
}

export interface ParsedId {
  /** Unix milliseconds. */
  timestamp: number;
  nodeId: number;
  sequence: number;
}

/** The seed's `parse`, which adds Twitter's epoch back whatever epoch the generator used. */
export function parseId(id: bigint, epoch = TWITTER_EPOCH): ParsedId {
  return {
    timestamp: Number(id >> 22n) + epoch,
    nodeId: Number((id >> 12n) & 0x3ffn),
    sequence: Number(id & 0xfffn),
  };
}

/**
 * The same formula ported naively to JS numbers. JS's `<<` works on 32-bit integers,
 * so a port that knows that much multiplies instead; the sum is then a double, and
 * above 2^53 a double keeps only 53 significant bits: at today's timestamps
 * (2^60 to 2^61) consecutive doubles are 256 apart, so the low 8 bits of the
 * sequence are rounded away and the IDs of one millisecond collapse.
 */
export function composeWithNumbers(timestamp: number, epoch: number, nodeId: number, sequence: number): number {
  return (timestamp - epoch) * 4194304 + nodeId * 4096 + sequence;
}

/** The naive port's `parse`: divisions on doubles, as imprecise as the IDs they read. */
export function parseWithNumbers(id: number, epoch = TWITTER_EPOCH): ParsedId {
  return {
    timestamp: Math.floor(id / 4194304) + epoch,
    nodeId: Math.floor(id / 4096) % 1024,
    sequence: id % 4096,
  };
}

/** A node id made of a datacenter and a machine within it (5 + 5 bits). */
export function splitNodeId(datacenter: number, machine: number): number {
  return (datacenter << MACHINE_BITS) | machine;
}

export function parseSplitNodeId(nodeId: number): { datacenter: number; machine: number } {
  return { datacenter: nodeId >> MACHINE_BITS, machine: nodeId & MAX_MACHINE_ID };
}

/**
 * Orders two non-negative IDs written in decimal without parsing them: a shorter
 * numeral is a smaller number, and numerals of one length compare as strings.
 * (Properties compare IDs on every fact; parsing each into a BigInt costs more.)
 */
export function compareIds(a: string, b: string): number {
  if (a.length !== b.length) return a.length - b.length;
  return a < b ? -1 : a > b ? 1 : 0;
}

/** `1724131680056418304 (ms 1699900000000, node id 42, sequence 0)`: for breach messages. */
export function describeId(id: string): string {
  const { timestamp, nodeId, sequence } = parseId(BigInt(id));
  return `${id} (ms ${timestamp}, node id ${nodeId}, sequence ${sequence})`;
}
