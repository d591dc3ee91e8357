import { writeFileSync } from 'node:fs';
import type { SensorReading, TallyEntry } from '@iot/contracts';

/** The ground truth of a run: exactly what the producer had acknowledged by the broker, per sensor per minute. */
export class Tally {
  private readonly entries = new Map<string, TallyEntry>();

  add(reading: SensorReading): void {
    const windowStart = Math.floor(reading.timestamp / 60_000) * 60_000;
    const key = `${reading.sensorId}\u0000${windowStart}`;
    const entry = this.entries.get(key);
    if (entry) {
      entry.count += 1;
      entry.min = Math.min(entry.min, reading.value);
      entry.max = Math.max(entry.max, reading.value);
      entry.sum += reading.value;
    } else {
      this.entries.set(key, { sensorId: reading.sensorId, windowStart, count: 1, min: reading.value, max: reading.value, sum: reading.value });
    }
  }

  toJSON(): TallyEntry[] {
    return [...this.entries.values()].sort((a, b) => a.sensorId.localeCompare(b.sensorId) || a.windowStart - b.windowStart);
  }

  write(file: string): void {
    writeFileSync(file, JSON.stringify(this.toJSON(), null, 2) + '\n');
  }
}
