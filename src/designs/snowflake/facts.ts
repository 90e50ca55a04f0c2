import { factEmitter } from '../../kernel/index.js';
import type { WaitReason } from './generator.js';

/** Why a node refused to issue IDs. */
export type RefusalReason = 'clock-backwards' | 'no-lease' | 'not-reserved';

/**
 * What really happened in a Snowflake system. Times in the data are the node's own
 * clock, in Unix milliseconds (`clockMs`); the kernel stamps each fact with true time.
 */
export type SnowflakeFact =
  /** A node handed out an ID (decimal: JSON has no BigInt), made with `nodeId`, when its clock read `clockMs`. */
  | { kind: 'id-issued'; data: { id: string; nodeId: number; clockMs: number } }
  /** A node refused `count` IDs of a request. */
  | { kind: 'id-refused'; data: { count: number; reason: RefusalReason; clockMs: number } }
  /** A generator started waiting for its clock, holding its lock: every request behind it waits too. */
  | { kind: 'id-wait'; data: { reason: WaitReason; behindMs: number; clockMs: number } }
  /**
   * The coordination service leased node id `nodeId` to `holder`; the holder must
   * start above `floorMs` and may use timestamps up to `reservedUntilMs`.
   */
  | { kind: 'node-id-leased'; data: { nodeId: number; holder: string; token: number; floorMs: number; reservedUntilMs: number } };

export const snowflakeFact = factEmitter<SnowflakeFact>();
