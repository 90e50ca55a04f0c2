import { defineScenario, ms, seconds } from '../src/kernel/index.js';
import { linearizable, registerModel } from '../src/check/linearizability/index.js';
import { registerClient } from '../src/designs/primary-backup/client.js';
import { failoverMonitor } from '../src/designs/primary-backup/monitor.js';
import { primaryBackupServer } from '../src/designs/primary-backup/server.js';

const servers = ['server-1', 'server-2'];
const clients = ['client-1', 'client-2', 'client-3'];

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
  duration: seconds(6),
  seeds: 200,
  network: { latency: { min: ms(1), max: ms(15) } },
  build(world) {
    world.node('server-1', primaryBackupServer({ primary: true, backups: ['server-2'], replication: 'async', replicationInterval: ms(200) }));
    world.node('server-2', primaryBackupServer({ replication: 'async', replicationInterval: ms(200) }));
    world.node('monitor', failoverMonitor({ servers, pingInterval: ms(100), missedPings: 3 }));
    for (const id of clients) {
      world.node(id, registerClient({ servers, think: { min: ms(10), max: ms(120) }, timeout: ms(100), writeRatio: 0.5 }));
    }
    world.property(linearizable(registerModel));
  },
  faults: (random) => [{ at: random.int(seconds(1), seconds(5)), kind: 'crash', node: 'server-1' }],
});
