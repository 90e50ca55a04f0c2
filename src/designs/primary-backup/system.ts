import { drawFaults, ms, seconds, type Fault, type ScenarioSpec } from '../../kernel/index.js';
import { linearizable, registerModel } from '../../check/linearizability/index.js';
import { registerClient } from './client.js';
import { failoverMonitor } from './monitor.js';
import { primaryBackupServer, type ServerOptions } from './server.js';

const [primary, backup] = ['server-1', 'server-2'];
const servers = [primary, backup];
const clients = ['client-1', 'client-2', 'client-3'];

/** How the primary replicates: ships its copy every 200 ms, or waits up to 60 ms for its backup on every write. */
const REPLICATION: Record<ServerOptions['replication'], ServerOptions> = {
  async: { replication: 'async', replicationInterval: ms(200) },
  sync: { replication: 'sync', replicationTimeout: ms(60) },
};

/**
 * A primary–backup register on two servers, a monitor that promotes the backup
 * after three missed pings (100 ms apart), and three clients reading and writing
 * unique values; the checker judges everything the clients saw. The primary
 * crashes once, between 1 s and 5 s. Latency (1–15 ms) stays well under the
 * monitor's timeout, so it never promotes the backup while the primary still serves.
 */
export function primaryBackupSystem({ replication }: Pick<ServerOptions, 'replication'>): Pick<ScenarioSpec, 'duration' | 'network' | 'build' | 'faults'> {
  return {
    duration: seconds(6),
    network: { latency: { min: ms(1), max: ms(15) } },
    build(world) {
      world.node(primary, primaryBackupServer({ ...REPLICATION[replication], primary: true, backups: [backup] }));
      world.node(backup, primaryBackupServer(REPLICATION[replication]));
      world.node('monitor', failoverMonitor({ servers, pingInterval: ms(100), missedPings: 3 }));
      for (const id of clients) {
        world.node(id, registerClient({ servers, think: { min: ms(10), max: ms(120) }, timeout: ms(100), writeRatio: 0.5 }));
      }
      world.property(linearizable(registerModel));
    },
    faults: (random): Fault[] => [
      { at: random.int(seconds(1), seconds(5)), kind: 'crash' as const, node: primary },
      // Within what the design tolerates: pauses shorter than the monitor's patience (three
      // pings, 300 ms), clock steps anywhere (nothing here reads a wall clock: a step must
      // change nothing), crashes of the monitor and the clients, never of a second server,
      // and lossy links between the servers.
      ...drawFaults(random, { count: [1, 4], window: [ms(500), seconds(5)], weights: { pause: 1, 'clock-jump': 1 }, nodes: [...servers, 'monitor', ...clients], duration: [ms(10), ms(200)], maxJump: seconds(2) }),
      ...drawFaults(random, { count: [0, 2], window: [ms(500), seconds(5)], weights: { crash: 1 }, nodes: ['monitor', ...clients], duration: [ms(10), seconds(1)] }),
      // The primary's copies lost on their way to the backup, which never confirms them. Only
      // that link: a lost ping makes the monitor promote the backup beside a live primary,
      // which (like a long pause) this design does not survive.
      ...Array.from({ length: random.int(0, 2) }, (): Fault => ({ at: random.int(ms(500), seconds(5)), kind: 'partition-oneway', from: [primary], to: [backup], duration: random.int(ms(50), seconds(1)) })),
    ].sort((a, b) => a.at - b.at),
  };
}
