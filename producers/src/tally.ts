import { writeFileSync } from 'node:fs';
import type { SensorReading, TallyEntry, TallyFile } from '@iot/contracts';

/**
 * The ground truth of a run: exactly what the producer had acknowledged by the broker, per sensor
 * per minute, with late readings (which no window may count) counted apart. Format: `TallyFile`.
 */
export class Tally {
  private readonly entries = new Map<string, TallyEntry>();
  private readonly lateBySensor = new Map<string, number>();
  private lateCount = 0;

  /** An on-time or out-of-order reading: counted in the window of its own timestamp. */
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

  /** A late reading (beyond window end + grace): counted per sensor, in no window. */
  addLate(reading: SensorReading): void {
    this.lateCount += 1;
    this.lateBySensor.set(reading.sensorId, (this.lateBySensor.get(reading.sensorId) ?? 0) + 1);
  }

  toJSON(): TallyFile {
    const windows = [...this.entries.values()]
      .map((entry) => ({ ...entry }))
      .sort((a, b) => a.sensorId.localeCompare(b.sensorId) || a.windowStart - b.windowStart);
    const bySensor: Record<string, number> = {};
    for (const sensorId of [...this.lateBySensor.keys()].sort()) bySensor[sensorId] = this.lateBySensor.get(sensorId)!;
    return { windows, late: { count: this.lateCount, bySensor } };
  }

  write(file: string): void {
    writeFileSync(file, JSON.stringify(this.toJSON(), null, 2) + '\n');
  }
}
