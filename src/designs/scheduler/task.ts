import { ms, seconds, type Micros } from '../../kernel/index.js';

/** The seed's task statuses (designs.txt Problem 4, TASK DATA MODEL). */
export type TaskStatus = 'PENDING' | 'RUNNING' | 'COMPLETED' | 'FAILED';

/**
 * A task record as the seed's data model has it (id, type, payload, schedule_time,
 * status, retry_count, max_retries, created_at), stored as one Redis hash of
 * strings; `claim` is the corrected worker's claim token (empty when unclaimed).
 */
export interface TaskRecord {
  id: string;
  type: string;
  payload: string;
  schedule_time: Micros;
  status: TaskStatus;
  retry_count: number;
  max_retries: number;
  created_at: Micros;
  claim: string;
}

export function taskFromHash(hash: Record<string, string>): TaskRecord {
  return {
    id: hash.id!,
    type: hash.type!,
    payload: hash.payload!,
    schedule_time: Number(hash.schedule_time),
    status: hash.status as TaskStatus,
    retry_count: Number(hash.retry_count),
    max_retries: Number(hash.max_retries),
    created_at: Number(hash.created_at),
    claim: hash.claim ?? '',
  };
}

/**
 * The seed's timings scaled down 100× for speed, keeping their ratios: the 300 s
 * visibility timeout is 3 s, the 60 s backoff base 0.6 s, and SQS's default
 * visibility timeout (30 s, what a pulled message has until the seed's
 * `set_visibility_timeout` lands) 0.3 s. max_retries stays the seed's 3.
 */
export const TIMINGS = {
  visibility: seconds(3),
  defaultVisibility: ms(300),
  backoffBase: ms(600),
  maxRetries: 3,
  /** How often an idle worker pulls, and a lease leader looks for due tasks. */
  poll: ms(200),
};

/** The seed's backoff: `2 ** retry_count * 60` seconds (scaled), for the retry after `retryCount` earlier ones. */
export function backoff(retryCount: number, base: Micros = TIMINGS.backoffBase): Micros {
  return 2 ** retryCount * base;
}

/** Redis keys of the store. */
export const KEYS = {
  task: (id: string) => `task:${id}`,
  cron: (name: string) => `cron:${name}`,
  /** Tasks waiting for their time, by schedule_time. */
  delay: 'delay',
  /** Due tasks, in the order they became due. */
  ready: 'ready',
  /** Pulled tasks, by the store-clock time their visibility timeout ends. */
  inflight: 'inflight',
  crons: 'crons',
  claimSeq: 'claim-seq',
  /** The highest leader token the store has seen (corrected promoter). */
  fence: 'leader-fence',
  lease: 'scheduler-leader',
};
