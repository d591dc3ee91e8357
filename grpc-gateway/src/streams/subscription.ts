import { Metadata, status, type ServerWritableStream } from '@grpc/grpc-js';
import type { Logger } from '@iot/runtime';
import { CursorError, decodeCursor, encodeCursor } from './cursor.ts';
import type { TopicRecord, TopicState } from './topic-state.ts';

/** The waiting queues of every open subscription, for the gateway_subscriber_queue_largest gauge. */
const openQueues = new Set<Map<unknown, unknown>>();

/**
 * Live record messages, encoded once and written as they are to every subscriber they match: a
 * live message does not depend on the subscriber, and each topic's records go to one method only.
 */
const encodedLive = new WeakMap<TopicRecord<unknown>, Buffer>();

/** The longest queue any subscriber has now: how far the slowest client is behind. */
export function largestQueue(): number {
  let largest = 0;
  for (const queue of openQueues) largest = Math.max(largest, queue.size);
  return largest;
}

/** How one server-streaming method turns a topic's records into its messages. */
export interface StreamSpec<V, E> {
  readonly state: TopicState<V>;
  /** Whether a live record (a value or a tombstone) goes to this subscriber. */
  readonly matches: (record: TopicRecord<V>) => boolean;
  /** Whether a held value belongs in this subscriber's snapshot. */
  readonly inSnapshot: (record: TopicRecord<V>) => boolean;
  readonly recordEvent: (record: TopicRecord<V>, snapshot: boolean) => E;
  readonly snapshotCompleteEvent: (count: number, cursor: string) => E;
  readonly heartbeatEvent: (cursor: string) => E;
  /**
   * true: while the client is behind, only the newest change per key waits (state streams:
   * nothing is lost, intermediate values are skipped). false: every change waits, up to
   * `queueLimit`; beyond it the stream ends with RESOURCE_EXHAUSTED.
   */
  readonly coalesce: boolean;
}

export interface StreamLimits {
  /** Live messages a subscriber may be behind before it is told to resubscribe (coalesce: false). */
  readonly queueLimit: number;
  /** An idle stream gets a heartbeat this often. */
  readonly heartbeatMs: number;
}

/**
 * Serves one server-streaming call: a snapshot then live changes, or, with a resume cursor, the
 * changes after it then live ones. Respects backpressure: when `write()` returns false nothing
 * more is written until 'drain', and changes wait in this subscriber's own bounded queue.
 * `encode`: the method's message encoder; given, live messages are encoded once for all
 * subscribers and written as bytes (the service's serializer must let Buffers through).
 */
export function serveSubscription<V, E>(
  call: ServerWritableStream<unknown, E | Buffer>,
  spec: StreamSpec<V, E>,
  resumeCursor: string,
  limits: StreamLimits,
  logger: Logger,
  encode?: (event: E) => Buffer,
): void {
  if (call.cancelled) return;
  const { state } = spec;
  let resumeFrom: Map<number, number> | undefined;
  if (resumeCursor !== '') {
    try {
      resumeFrom = decodeCursor(state.topic, resumeCursor);
    } catch (error) {
      if (!(error instanceof CursorError)) throw error;
      call.emit('error', { code: status.INVALID_ARGUMENT, details: error.message });
      return;
    }
  }

  const queue = new Map<string | number, E | Buffer>();
  openQueues.add(queue);
  let waitingForDrain = false;
  let lastWriteAt = Date.now();
  let ended = false;
  let limit = limits.queueLimit;
  let sequence = 0;

  const end = (code: status, details: string) => {
    if (ended) return;
    leave();
    call.emit('error', { code, details });
  };
  const flush = () => {
    while (!ended && !waitingForDrain && queue.size > 0) {
      const [key, event] = queue.entries().next().value as [string | number, E | Buffer];
      queue.delete(key);
      lastWriteAt = Date.now();
      if (!call.write(event)) {
        waitingForDrain = true;
        call.once('drain', () => {
          waitingForDrain = false;
          flush();
        });
      }
    }
  };
  const enqueue = (key: string | number, event: E | Buffer) => {
    if (spec.coalesce) queue.delete(key); // re-inserted at the end: the newest change goes out last
    queue.set(key, event);
    if (queue.size > limit) {
      end(status.RESOURCE_EXHAUSTED, `this subscriber fell ${queue.size} messages behind (limit ${limits.queueLimit}); resubscribe without resume_cursor for a fresh snapshot`);
      return;
    }
    flush();
  };
  const liveMessage = (record: TopicRecord<V>): E | Buffer => {
    if (!encode) return spec.recordEvent(record, false);
    let bytes = encodedLive.get(record);
    if (!bytes) encodedLive.set(record, (bytes = encode(spec.recordEvent(record, false))));
    return bytes;
  };
  const onRecord = (record: TopicRecord<V>) => {
    if (spec.matches(record)) enqueue(spec.coalesce ? record.key : sequence++, liveMessage(record));
  };

  let unsubscribe: () => void;
  if (resumeFrom) {
    const resumed = state.resumeAndSubscribe(resumeFrom, onRecord);
    if (!resumed.ok) {
      openQueues.delete(queue);
      call.emit('error', { code: status.OUT_OF_RANGE, details: `resume_cursor cannot be served: ${resumed.reason}; subscribe again without it` });
      return;
    }
    unsubscribe = resumed.unsubscribe;
    call.sendMetadata(new Metadata());
    limit += resumed.missed.length;
    // A record's cursor is where this gateway stood when it applied it. A gateway started since
    // the client's cursor was made read the partitions in another interleaving, so a missed
    // record's cursor can lie behind the client's on another partition: such records carry the
    // client's position there, or a later resume would repeat what it already has. Once one
    // record's cursor covers the client's, every later one does.
    let clientFloor: Map<number, number> | undefined = new Map(resumeFrom);
    for (const record of resumed.missed) {
      if (clientFloor) {
        const own = decodeCursor(state.topic, record.cursor);
        if ([...clientFloor].every(([partition, offset]) => (own.get(partition) ?? -1) >= offset)) {
          clientFloor = undefined;
        } else {
          for (const [partition, offset] of own) clientFloor.set(partition, Math.max(offset, clientFloor.get(partition) ?? -1));
          onRecord({ ...record, cursor: encodeCursor(state.topic, clientFloor) });
          continue;
        }
      }
      onRecord(record);
    }
    logger.debug({ peer: call.getPeer(), topic: state.topic, missed: resumed.missed.length }, 'subscriber resumed');
  } else {
    const subscribed = state.snapshotAndSubscribe(onRecord);
    unsubscribe = subscribed.unsubscribe;
    // Response headers now, before any data: clients learn at once that the stream is accepted.
    call.sendMetadata(new Metadata());
    const snapshot = subscribed.snapshot.filter(spec.inSnapshot);
    limit += snapshot.length + 1;
    for (const record of snapshot) enqueue(spec.coalesce ? record.key : sequence++, spec.recordEvent(record, true));
    enqueue(sequence++, spec.snapshotCompleteEvent(snapshot.length, subscribed.cursor));
    logger.debug({ peer: call.getPeer(), topic: state.topic, snapshot: snapshot.length }, 'subscriber joined');
  }

  // A heartbeat only when nothing waits: its cursor then covers everything this client was sent.
  const heartbeat = setInterval(() => {
    if (queue.size === 0 && !waitingForDrain && Date.now() - lastWriteAt >= limits.heartbeatMs) enqueue(sequence++, spec.heartbeatEvent(state.cursor));
  }, Math.max(100, Math.floor(limits.heartbeatMs / 2)));
  heartbeat.unref(); // the server keeps the process alive, not a subscriber's timer

  function leave(): void {
    if (ended) return;
    ended = true;
    clearInterval(heartbeat);
    unsubscribe();
    queue.clear();
    openQueues.delete(queue);
  }
  call.on('cancelled', leave);
  call.on('close', leave);
  call.on('error', leave);
}
