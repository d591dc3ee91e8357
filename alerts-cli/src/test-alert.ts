import type { Alert } from '@iot/contracts';

/** An OPEN RANGE alert for the unit tests; `changes` adjust it. */
export const OPENED_AT = Date.parse('2026-11-23T10:15:02.120Z');

export function testAlert(changes: Partial<Alert> = {}): Alert {
  return {
    alertId: `plant-a-temperature-1/RANGE/${OPENED_AT}`,
    sensorId: 'plant-a-temperature-1',
    sensorType: 'temperature',
    siteId: 'plant-a',
    rule: 'RANGE',
    severity: 'CRITICAL',
    state: 'OPEN',
    triggerValue: 51.2,
    peakValue: 51.2,
    threshold: 45,
    openedAt: OPENED_AT,
    lastSeenAt: OPENED_AT,
    clearedAt: null,
    acknowledgedAt: null,
    acknowledgedBy: null,
    message: 'temperature 51.2 °C above the 45 °C limit',
    ...changes,
  };
}
