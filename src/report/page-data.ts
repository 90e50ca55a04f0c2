import type { FaultMark, Micros, Outcome, RunStats, TraceEvent, Violation } from '../kernel/index.js';
import type { CausalSlice } from './slice.js';

/** What the page says about the run besides its result: which scenario, and what it promised. */
export interface ReportSubject {
  scenario: string;
  description: string;
  /** The expected verdict, in words (`safe`, `violates mutual-exclusion`). */
  expect: string;
}

/**
 * What html.ts embeds in the page as JSON and the page's script (page/*.js) reads:
 * the run, its trace exactly as recorded, and each fault as the fault table
 * describes it, so the page draws faults without knowing their kinds.
 */
export interface PageData extends ReportSubject {
  seed: number;
  outcome: Outcome;
  violation: Violation | null;
  endTime: Micros;
  stats: RunStats;
  /** One per node, in the order they are drawn. */
  lanes: string[];
  trace: TraceEvent[];
  /** The faults that happened, in the order they did. */
  faults: PageFault[];
  /** The violation's causal slice (`slice.ts`); null for a run without one. */
  slice: CausalSlice | null;
}

export interface PageFault {
  /** Index in `trace` of the fault's event. */
  event: number;
  /** Index in `trace` of the event that ended it; null: it lasted to the end of the run. */
  over: number | null;
  /** Its one line (`describeFault`). */
  description: string;
  /** How it shows on the lanes (`faultMarks`). */
  marks: FaultMark[];
}
