import { call, ConfigError, follow, sleep, type Micros, type NodeModel, type ScriptStep } from '../../kernel/index.js';
import { askController, controllerQuorum } from './controller.js';
import { kafkaFact, type Acks } from './facts.js';
import type { BrokerRequest, ControllerState, ProduceReply } from './protocol.js';

/** One record to produce, to a partition. */
export type ProduceOp = { kind: 'produce'; partition: number };

/** A record by producer `client`, at a true time (producers' clocks are not disturbed), or right after its previous one is queued. */
export type ProduceStep = ScriptStep<ProduceOp>;

export interface ProducerOptions {
  /** The controller quorum, asked for metadata (who leads each partition). */
  controllers: readonly string[];
  /** How long to wait for a controller's answer before trying another. */
  controllerTimeout: Micros;
  /** acks: 0 (fire and forget), 1 (the leader appended it), 'all' (every in-sync replica has it). */
  acks: Acks;
  /** How many times a record is sent again after an error or a timeout. */
  retries: number;
  /** max.in.flight.requests.per.connection: records sent and not yet answered. */
  maxInFlight: number;
  /** enable.idempotence (KIP-98): a producer id and a sequence number per partition, de-duplicated by the broker. */
  idempotent: boolean;
  requestTimeout: Micros;
  retryBackoff: Micros;
  /** This producer's records, in the order it produces them. */
  steps: readonly ProduceStep[];
}

/**
 * A Kafka producer sending one record per request: up to `maxInFlight` at once, each
 * retried on an error or a timeout (asking the controller for the partition's
 * leader again in between). Without idempotence a retry whose first attempt did
 * land is appended twice, and with more than one request in flight a retry can land
 * after a later record (the producer documentation's warning for retries with
 * max.in.flight.requests.per.connection > 1); with idempotence the broker refuses a
 * sequence number out of order and answers a duplicate with its original offset.
 */
export function producer(options: ProducerOptions): NodeModel<ControllerState> {
  if (!(options.maxInFlight >= 1)) throw new ConfigError('kafka producer: maxInFlight must be at least 1');
  if (options.idempotent && options.maxInFlight > 5) throw new ConfigError('kafka producer: the idempotent producer keeps order only with maxInFlight <= 5 (Kafka refuses more)');
  return (ctx) => {
    const leaders = new Map<number, string>();
    const quorum = controllerQuorum(options.controllers);
    const nextSeq = new Map<number, number>();
    const queue: Array<{ partition: number; seq: number; id: string }> = [];
    let inFlight = 0;

    const learn = (state: ControllerState) => {
      for (const p of state.partitions) leaders.set(p.partition, p.leader);
    };

    /** Asks the active controller, trying each controller at most once; on no answer, the leaders known stay. */
    function* refreshMetadata() {
      const state = yield* askController(ctx, quorum, { type: 'metadata' }, options.controllerTimeout, options.controllers.length);
      if (state) learn(state);
    }

    function* deliver(record: { partition: number; seq: number; id: string }) {
      const { partition, seq, id } = record;
      kafkaFact(ctx, 'produce-sent', { producer: ctx.id, partition, id, seq, acks: options.acks });
      const request: BrokerRequest = { type: 'produce', partition, record: { id, producer: ctx.id, seq }, acks: options.acks, idempotent: options.idempotent };
      for (let attempt = 0; ; attempt++) {
        if (attempt > 0) ctx.probe('produce retried');
        // A record waits for its partition's leader to be known, and that is not a try
        // (KafkaProducer.send blocks on metadata for up to max.block.ms).
        while (!leaders.get(partition)) {
          yield* sleep(options.retryBackoff);
          yield* refreshMetadata();
        }
        const leader = leaders.get(partition)!;
        if (options.acks === 0) {
          ctx.send(leader, request);
          break;
        }
        const reply = yield* call<ProduceReply>(leader, request, options.requestTimeout);
        if (reply.ok && reply.body.ok) {
          kafkaFact(ctx, 'produce-acked', { producer: ctx.id, partition, id, offset: reply.body.offset, acks: options.acks });
          break;
        }
        // An error or a timeout says the metadata may be stale, whether or not the record is
        // tried again (Kafka's sender asks for a metadata update on NOT_LEADER_OR_FOLLOWER and on timeouts).
        yield* sleep(options.retryBackoff);
        yield* refreshMetadata();
        if (attempt >= options.retries) {
          kafkaFact(ctx, 'produce-failed', { producer: ctx.id, partition, id });
          break;
        }
      }
      inFlight--;
      pump();
    }

    const pump = () => {
      while (inFlight < options.maxInFlight && queue.length > 0) {
        inFlight++;
        ctx.spawn(deliver(queue.shift()!));
      }
      ctx.annotate({ inFlight, queued: queue.length });
    };

    /** Queues the record for sending: records go out as the in-flight limit allows. */
    function* produce(step: ProduceOp) {
      const seq = nextSeq.get(step.partition) ?? 0;
      nextSeq.set(step.partition, seq + 1);
      queue.push({ partition: step.partition, seq, id: `${ctx.id}/p${step.partition}/${seq}` });
      pump();
    }

    ctx.spawn(
      (function* run() {
        yield* refreshMetadata();
        // A producer's clock is never offset or disturbed (the system builds it so): a step's true time is its own.
        yield* follow(options.steps, produce);
      })(),
    );
  };
}
