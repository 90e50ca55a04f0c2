import { formatDuration, type Fact, type Micros } from '../../kernel/index.js';

/** Refusal periods per node, as `availability` judges them: from the first refused or held request to the next ID (or a crash). */
export class RefusalPeriods {
  count = 0;
  longest: Micros = 0;
  total: Micros = 0;
  private readonly since = new Map<string, Micros>();

  collect(fact: Fact): void {
    if (fact.kind === 'id-refused' || fact.kind === 'id-wait') {
      if (!this.since.has(fact.node)) this.since.set(fact.node, fact.t);
    } else if (fact.kind === 'id-issued' || fact.kind === 'crash') {
      const since = this.since.get(fact.node);
      if (since !== undefined) this.close(fact.node, since, fact.t);
    }
  }

  /** Ends the periods still open at `t` (the end of the run). */
  closeAll(t: Micros): void {
    for (const [node, since] of this.since) this.close(node, since, t);
  }

  private close(node: string, since: Micros, t: Micros): void {
    this.since.delete(node);
    this.count++;
    this.total += t - since;
    this.longest = Math.max(this.longest, t - since);
  }
}

/**
 * One line per run, from the facts: IDs issued and by how many nodes, the most one
 * node issued in one millisecond of its clock (the ceiling is 4,096), IDs refused
 * and for how long, waits for the clock (sequence exhausted, clock behind), leases.
 */
export function snowflakeSummary(): { collect(fact: Fact): void; render(): string } {
  let issued = 0;
  let refused = 0;
  let exhausted = 0;
  let behind = 0;
  let leases = 0;
  let lastT = 0;
  let busiest = 0;
  const nodes = new Set<string>();
  const perMilli = new Map<string, { ms: number; count: number }>();
  const periods = new RefusalPeriods();
  return {
    collect(fact) {
      lastT = fact.t;
      periods.collect(fact);
      switch (fact.kind) {
        case 'id-issued': {
          issued++;
          nodes.add(fact.node);
          const clockMs = fact.data.clockMs as number;
          let current = perMilli.get(fact.node);
          if (current?.ms === clockMs) current.count++;
          else perMilli.set(fact.node, (current = { ms: clockMs, count: 1 }));
          busiest = Math.max(busiest, current.count);
          break;
        }
        case 'id-refused':
          refused += fact.data.count as number;
          break;
        case 'id-wait':
          if (fact.data.reason === 'sequence-exhausted') exhausted++;
          else behind++;
          break;
        case 'node-id-leased':
          leases++;
          break;
      }
    },
    render() {
      periods.closeAll(lastT);
      const refusals = periods.count === 0 ? 'none' : `${periods.count}, longest ${formatDuration(periods.longest)}, ${formatDuration(periods.total)} in all`;
      return (
        `IDs issued ${issued} by ${nodes.size} nodes (at most ${busiest} by one node in one ms of its clock), refused ${refused}; ` +
        `refusals and waits ${refusals}; sequence exhausted ${exhausted}, waits for a clock behind ${behind}; node-id leases ${leases}`
      );
    },
  };
}
