import { writeFileSync } from 'node:fs';
import type { SensorReading, TallyEntry, TallyFile } from '@iot/contracts';
import type { MalformedKind } from './transport-faults.ts';

/**
 * The tally file the simulator writes: `TallyFile` (windows, late) plus what the transport faults
 * added: `duplicates` (readings sent a second time; each copy is also counted in `windows` or
 * `late`, as the processor counts it) and `malformed` (records that are not readings, by kind;
 * in no window).
 */
export interface SimulatorTallyFile extends TallyFile {
  duplicates: { count: number; bySensor: Record<string, number> };
  malformed: { count: number; byKind: Record<string, number> };
}

const sortedRecord = (map: Map<string, number>): Record<string, number> => Object.fromEntries([...map.keys()].sort().map((key) => [key, map.get(key)!]));

/**
 * The ground truth of a run: exactly what the producer had acknowledged by the broker, per sensor
 * per minute, with late readings (which no window may count) and malformed records counted apart.
 */
export class Tally {
  private readonly entries = new Map<string, TallyEntry>();
  private readonly lateBySensor = new Map<string, number>();
  private readonly duplicatesBySensor = new Map<string, number>();
  private readonly malformedByKind = new Map<string, number>();

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
    increment(this.lateBySensor, reading.sensorId);
  }

  /** A reading sent again (a retry's duplicate): noted here; count the copy itself with `add` or `addLate` too. */
  addDuplicate(reading: SensorReading): void {
    increment(this.duplicatesBySensor, reading.sensorId);
  }

  /** A malformed record (not a reading): by kind, in no window. */
  addMalformed(kind: MalformedKind): void {
    increment(this.malformedByKind, kind);
  }

  toJSON(): SimulatorTallyFile {
    const windows = [...this.entries.values()]
      .map((entry) => ({ ...entry }))
      .sort((a, b) => a.sensorId.localeCompare(b.sensorId) || a.windowStart - b.windowStart);
    const total = (map: Map<string, number>) => [...map.values()].reduce((sum, n) => sum + n, 0);
    return {
      windows,
      late: { count: total(this.lateBySensor), bySensor: sortedRecord(this.lateBySensor) },
      duplicates: { count: total(this.duplicatesBySensor), bySensor: sortedRecord(this.duplicatesBySensor) },
      malformed: { count: total(this.malformedByKind), byKind: sortedRecord(this.malformedByKind) },
    };
  }

  write(file: string): void {
    writeFileSync(file, JSON.stringify(this.toJSON(), null, 2) + '\n');
  }
}

function increment(map: Map<string, number>, key: string): void {
  map.set(key, (map.get(key) ?? 0) + 1);
}
