import type { Fleet, FleetSensor } from './fleet.ts';
import { hashSeed, seededRandom } from './signal.ts';

export interface DueReading {
  readonly sensor: FleetSensor;
  /** When the reading is due, in ms since the run started (fractional: intervals need not be whole ms). */
  readonly atMs: number;
}

/**
 * When each sensor reads: every `intervalMs`, from a seeded start in its first interval (so a
 * fleet does not read all at once). Pure bookkeeping; the simulator asks it each tick.
 */
export class Schedule {
  private readonly next: number[];

  constructor(private readonly fleet: Fleet, seed: number) {
    const random = seededRandom(hashSeed(seed, 'schedule'));
    this.next = fleet.map((sensor) => random() * sensor.intervalMs);
  }

  /** Every reading due at or before `elapsedMs` not yet handed out, oldest first. */
  due(elapsedMs: number): DueReading[] {
    const due: DueReading[] = [];
    this.fleet.forEach((sensor, i) => {
      for (let at = this.next[i]!; at <= elapsedMs; at = this.next[i]!) {
        due.push({ sensor, atMs: at });
        this.next[i] = at + sensor.intervalMs;
      }
    });
    return due.sort((a, b) => a.atMs - b.atMs);
  }
}
