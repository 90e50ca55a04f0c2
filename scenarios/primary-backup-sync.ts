import { defineScenario } from '../src/kernel/index.js';
import { primaryBackupSystem } from '../src/designs/primary-backup/system.js';

/**
 * The same register and failover, but the primary acknowledges a write only once
 * its backup holds it: the promoted backup has every acknowledged write. Around the
 * crash, the faults the design tolerates on every node (see `primaryBackupSystem`).
 */
export default defineScenario({
  description: 'Primary–backup register, synchronous replication; the primary crashes and the backup is promoted; short pauses, clock steps, monitor and client crashes',
  expect: 'safe',
  seeds: 200,
  ...primaryBackupSystem({ replication: 'sync' }),
  requires: ['backup promoted to primary', 'a backup refused a client: not the primary'],
});
