import { defineScenario } from '../src/kernel/index.js';
import { primaryBackupSystem } from '../src/designs/primary-backup/system.js';

/**
 * A primary–backup register with asynchronous replication: the primary
 * acknowledges a write before its backup has it. When the primary crashes, the
 * monitor promotes the backup, which has never seen the last writes; clients
 * fail over to it and read the older value. The checker finds this from the
 * client-visible history alone.
 */
export default defineScenario({
  description: 'Primary–backup register, asynchronous replication; the primary crashes and the backup is promoted',
  expect: { violates: 'linearizable' },
  seeds: 200,
  ...primaryBackupSystem({ replication: 'async' }),
});
