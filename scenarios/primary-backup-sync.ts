import { defineScenario, ms, seconds } from '../src/kernel/index.js';
import { linearizable, registerModel } from '../src/check/linearizability/index.js';
import { registerClient } from '../src/designs/primary-backup/client.js';
import { failoverMonitor } from '../src/designs/primary-backup/monitor.js';
import { primaryBackupServer } from '../src/designs/primary-backup/server.js';

const servers = ['server-1', 'server-2'];
const clients = ['client-1', 'client-2', 'client-3'];

/**
 * The same register and failover, but the primary acknowledges a write only once
 * its backup holds it: the promoted backup has every acknowledged write. Crashes
 * only, and latency well under the failure detector's timeout, so the monitor
 * never promotes a backup while the old primary still serves.
 */
export default defineScenario({
  description: 'Primary–backup register, synchronous replication; the primary crashes and the backup is promoted',
  expect: 'safe',
  duration: seconds(6),
  seeds: 200,
  network: { latency: { min: ms(1), max: ms(15) } },
  build(world) {
    world.node('server-1', primaryBackupServer({ primary: true, backups: ['server-2'], replication: 'sync', replicationTimeout: ms(60) }));
    world.node('server-2', primaryBackupServer({ replication: 'sync', replicationTimeout: ms(60) }));
    world.node('monitor', failoverMonitor({ servers, pingInterval: ms(100), missedPings: 3 }));
    for (const id of clients) {
      world.node(id, registerClient({ servers, think: { min: ms(10), max: ms(120) }, timeout: ms(100), writeRatio: 0.5 }));
    }
    world.property(linearizable(registerModel));
  },
  faults: (random) => [{ at: random.int(seconds(1), seconds(5)), kind: 'crash', node: 'server-1' }],
});
