import { ConfigError, type Fault, type Micros, type Random, type World } from '../../kernel/index.js';
import { nodeIdLeaseService } from './coordinator.js';
import type { LeaseTiming } from './lease-holder.js';
import { snowflakeNode, type GeneratorPolicy } from './node.js';
import { macHashNodeIds, podOrdinalNodeIds, staticNodeIds, type NamedNodeId } from './node-ids.js';
import { availability, kSorted, monotonicPerNode, unique } from './properties.js';
import { drawWorkload, idClient, type WorkloadOptions } from './workload.js';

export const COORDINATOR = 'coordinator';

/** How the ID nodes are named and get their node ids. */
export type NodeIdPlan =
  | { kind: 'static'; nodes: number }
  /** MACs drawn from the seed's `macs` stream. */
  | { kind: 'mac-hash'; nodes: number }
  | { kind: 'pod-ordinal'; clusters: string[]; pods: number; datacenterSplit: boolean }
  /** `pool` node ids leased from the coordinator; `floor: false` is the broken variant that ignores each id's floor. */
  | { kind: 'lease'; nodes: number; pool: number; timing: Omit<LeaseTiming, 'coordinator'>; floor: boolean };

export interface SnowflakeSystemOptions {
  nodeIds: NodeIdPlan;
  policy: GeneratorPolicy;
  clients: number;
  workload: Omit<WorkloadOptions, 'clients' | 'nodes'>;
  /** Initial clock offsets of the ID nodes and the coordinator, uniform within ±clockSkew (the seed's `clocks` stream). */
  clockSkew: Micros;
  /** The scenario's k-sorted bound: the skew it assumes plus a tolerance. */
  kSortedBound: Micros;
  monotonicAcrossRestarts: boolean;
  /** When given, `availability` fails a refusal longer than this. */
  maxRefusal?: Micros;
}

/** The ID nodes' names, in order (leased nodes get their ids at run time, MAC-hashed ones from the seed). */
export function idNodeNames(plan: NodeIdPlan): string[] {
  if (plan.kind === 'pod-ordinal') return podOrdinalNodeIds(plan.clusters, plan.pods, plan.datacenterSplit).map((n) => n.name);
  return Array.from({ length: plan.nodes }, (_, i) => `snowflake-${i + 1}`);
}

function fixedNodeIds(plan: Exclude<NodeIdPlan, { kind: 'lease' }>, world: World): NamedNodeId[] {
  switch (plan.kind) {
    case 'static':
      return staticNodeIds(plan.nodes);
    case 'mac-hash':
      return macHashNodeIds(world.stream('macs'), plan.nodes);
    case 'pod-ordinal':
      return podOrdinalNodeIds(plan.clusters, plan.pods, plan.datacenterSplit);
  }
}

export const clientNames = (count: number) => Array.from({ length: count }, (_, i) => `app-${i + 1}`);

/** Each ID node's (and the coordinator's) initial clock offset: the same for `build` and for fault schedules that keep clocks in bounds. */
export function initialOffsets(world: World, nodes: readonly string[], skew: Micros): Map<string, Micros> {
  const random = world.stream('clocks');
  return new Map(nodes.map((node) => [node, random.int(-skew, skew)]));
}

/**
 * A Snowflake ID service: ID nodes (node ids static, from MAC hashes, from pod
 * ordinals, or leased from a coordinator), application clients asking them for IDs
 * as the seed's workload plan says, and the four properties.
 */
export function buildSnowflake(world: World, options: SnowflakeSystemOptions): void {
  const plan = options.nodeIds;
  const names = idNodeNames(plan);
  const clocked = plan.kind === 'lease' ? [...names, COORDINATOR] : names;
  const offsets = initialOffsets(world, clocked, options.clockSkew);
  if (plan.kind === 'lease') {
    if (plan.pool < 1) throw new ConfigError('the lease plan needs a pool of at least one node id');
    world.node(COORDINATOR, nodeIdLeaseService({ ids: plan.pool }), { clockOffset: offsets.get(COORDINATOR) });
    for (const name of names) {
      world.node(name, snowflakeNode(options.policy, { kind: 'lease', timing: { ...plan.timing, coordinator: COORDINATOR }, floor: plan.floor }), { clockOffset: offsets.get(name) });
    }
  } else {
    for (const { name, nodeId } of fixedNodeIds(plan, world)) world.node(name, snowflakeNode(options.policy, { kind: 'fixed', nodeId }), { clockOffset: offsets.get(name) });
  }
  const clients = clientNames(options.clients);
  const requests = drawWorkload(world.stream('workload'), { ...options.workload, clients, nodes: names });
  for (const client of clients) world.node(client, idClient(requests));

  world.property(unique());
  world.property(monotonicPerNode({ acrossRestarts: options.monotonicAcrossRestarts }));
  world.property(kSorted({ bound: options.kSortedBound }));
  if (options.maxRefusal !== undefined) world.property(availability({ maxRefusal: options.maxRefusal }));
}

/**
 * NTP steps that keep every clock within ±`within` of true time: each step picks a
 * node and a new offset in that range and jumps there, so the scenario can state
 * its clock skew (at most 2·within between two nodes) and still step clocks back.
 */
export function boundedClockSteps(
  random: Random,
  offsets: ReadonlyMap<string, Micros>,
  options: { count: [number, number]; window: [Micros, Micros]; within: Micros },
): Fault[] {
  const current = new Map(offsets);
  const nodes = [...offsets.keys()];
  const times = Array.from({ length: random.int(...options.count) }, () => random.int(...options.window)).sort((a, b) => a - b);
  return times.map((at): Fault => {
    const node = random.pick(nodes);
    const target = random.int(-options.within, options.within);
    const delta = target - current.get(node)!;
    current.set(node, target);
    return { at, kind: 'clock-jump', node, delta };
  });
}
