import { encodeCursor, type Cursor } from './cursor.ts';

export interface Position {
  readonly topic: string;
  readonly partition: number;
  readonly offset: number;
}

export interface TopicRecord<V> {
  readonly key: string;
  /** null: a tombstone, the key is gone. */
  readonly value: V | null;
  readonly position: Position;
  /** The topic's cursor right after this record (encoded once, shared by every subscriber). */
  readonly cursor: string;
  /** The key's value before this record (undefined: none was held), so filters can see a value leave them. */
  readonly previous: V | undefined;
  /** Order of arrival across partitions. */
  readonly sequence: number;
}

export type Listener<V> = (record: TopicRecord<V>) => void;

/** A fixed-size FIFO of the newest records of one partition. */
class Ring<T> {
  private readonly items: Array<T | undefined>;
  private start = 0;
  private length = 0;

  constructor(private readonly capacity: number) {
    this.items = new Array<T | undefined>(capacity);
  }

  /** Adds an item; answers with the one that fell out, if the ring was full. */
  push(item: T): T | undefined {
    if (this.length < this.capacity) {
      this.items[(this.start + this.length++) % this.capacity] = item;
      return undefined;
    }
    const dropped = this.items[this.start];
    this.items[this.start] = item;
    this.start = (this.start + 1) % this.capacity;
    return dropped;
  }

  *[Symbol.iterator](): Generator<T> {
    for (let i = 0; i < this.length; i++) yield this.items[(this.start + i) % this.capacity]!;
  }
}

export type Resumed<V> = { ok: true; missed: Array<TopicRecord<V>>; unsubscribe: () => void } | { ok: false; reason: string };

/**
 * One topic as the gateway holds it: the latest record per key (for snapshots), the newest
 * records of each partition (so a client that reconnects with a cursor can be given exactly what
 * it missed), and the live listeners. Subscribing takes the snapshot (or the missed records) and
 * registers the listener in one synchronous step, so nothing falls between the two.
 */
export class TopicState<V> {
  private readonly latest = new Map<string, TopicRecord<V>>();
  private readonly recent = new Map<number, Ring<TopicRecord<V>>>();
  /** Per partition, the offset of the newest record no longer held in `recent` (or never read). */
  private readonly floor = new Map<number, number>();
  private readonly applied = new Map<number, number>();
  private readonly listeners = new Set<Listener<V>>();
  private sequence = 0;

  /**
   * `firstOffsets`: per partition, the offset reading starts at (records below it are not
   * held); `resumeBuffer`: how many recent records per partition are kept for resuming clients.
   */
  constructor(
    readonly topic: string,
    firstOffsets: ReadonlyMap<number, number>,
    private readonly resumeBuffer: number,
  ) {
    for (const [partition, first] of firstOffsets) {
      this.applied.set(partition, first - 1);
      this.recent.set(partition, new Ring(resumeBuffer));
      if (first > 0) this.floor.set(partition, first - 1);
    }
  }

  /**
   * Applies a record and hands it to every listener; a record at or below the partition's newest
   * applied offset is ignored (undefined), so a consumer that reads some records again after a
   * re-join (from its last commit) never repeats one to subscribers.
   */
  apply(key: string, value: V | null, partition: number, offset: number): TopicRecord<V> | undefined {
    const ring = this.recent.get(partition);
    if (!ring) throw new Error(`${this.topic} has no partition ${partition} (it had ${this.recent.size} at start)`);
    if (offset <= this.applied.get(partition)!) return undefined;
    this.applied.set(partition, offset);
    const previous = this.latest.get(key)?.value ?? undefined;
    const record: TopicRecord<V> = { key, value, previous, position: { topic: this.topic, partition, offset }, cursor: encodeCursor(this.topic, this.applied), sequence: this.sequence++ };
    if (value === null) this.latest.delete(key);
    else this.latest.set(key, record);
    const dropped = ring.push(record);
    if (dropped) this.floor.set(partition, dropped.position.offset);
    for (const listener of this.listeners) listener(record);
    return record;
  }

  /** Drops held values (not the resume buffer) that `expired` says are no longer of interest. */
  evict(expired: (value: V) => boolean): void {
    for (const [key, record] of this.latest) if (record.value !== null && expired(record.value)) this.latest.delete(key);
  }

  get(key: string): TopicRecord<V> | undefined {
    return this.latest.get(key);
  }

  values(): IterableIterator<TopicRecord<V>> {
    return this.latest.values();
  }

  get size(): number {
    return this.latest.size;
  }

  get subscriberCount(): number {
    return this.listeners.size;
  }

  /** Where the topic stands now, as a cursor. */
  get cursor(): string {
    return encodeCursor(this.topic, this.applied);
  }

  /** The current values in arrival order, the cursor they add up to, and live changes from then on. */
  snapshotAndSubscribe(listener: Listener<V>): { snapshot: Array<TopicRecord<V>>; cursor: string; unsubscribe: () => void } {
    const snapshot = [...this.latest.values()].sort((a, b) => a.sequence - b.sequence);
    this.listeners.add(listener);
    return { snapshot, cursor: this.cursor, unsubscribe: () => this.listeners.delete(listener) };
  }

  /**
   * The records after `cursor` (in arrival order), then live changes; or why that is not
   * possible: the cursor is older than what is still held, or ahead of what was read.
   */
  resumeAndSubscribe(cursor: Cursor, listener: Listener<V>): Resumed<V> {
    for (const partition of cursor.keys()) {
      if (!this.applied.has(partition)) return { ok: false, reason: `${this.topic} has no partition ${partition}` };
    }
    const missed: Array<TopicRecord<V>> = [];
    for (const [partition, applied] of this.applied) {
      const after = cursor.get(partition) ?? -1;
      const floor = this.floor.get(partition);
      if (floor !== undefined && after < floor) {
        return { ok: false, reason: `partition ${partition}: offset ${after} is older than the ${this.resumeBuffer} records the gateway keeps (from ${floor + 1})` };
      }
      if (after > applied) return { ok: false, reason: `partition ${partition}: offset ${after} is ahead of the gateway (at ${applied}); the topic may have been recreated` };
      for (const record of this.recent.get(partition)!) if (record.position.offset > after) missed.push(record);
    }
    missed.sort((a, b) => a.sequence - b.sequence);
    this.listeners.add(listener);
    return { ok: true, missed, unsubscribe: () => this.listeners.delete(listener) };
  }
}
