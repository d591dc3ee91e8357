/**
 * Tracks a consumer reading a topic from the beginning until it has reached the end offsets
 * the topic had when it started. A snapshot served before that would miss state.
 */
export class CatchUp {
  private readonly behind = new Map<number, number>();
  private resolveReady!: () => void;
  readonly ready = new Promise<void>((resolve) => {
    this.resolveReady = resolve;
  });

  /** `endOffsets`: per partition, the offset of the next record to be written when we started. */
  constructor(endOffsets: ReadonlyArray<{ partition: number; low: number; high: number }>) {
    for (const { partition, low, high } of endOffsets) if (high > low) this.behind.set(partition, high);
    this.check();
  }

  /** Call after each consumed batch with the offset of its last record and the partition's lag. */
  consumed(partition: number, lastOffset: number, offsetLag: number): void {
    const target = this.behind.get(partition);
    if (target === undefined) return;
    if (lastOffset + 1 >= target || offsetLag === 0) this.behind.delete(partition);
    this.check();
  }

  get caughtUp(): boolean {
    return this.behind.size === 0;
  }

  /** Partitions still being read, for logs. */
  get pendingPartitions(): number[] {
    return [...this.behind.keys()];
  }

  private check(): void {
    if (this.behind.size === 0) this.resolveReady();
  }
}
