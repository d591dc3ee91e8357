// Server-only: the current alerts for the first render of /alerts and /sensors/<id>.
import type { AlertPayload } from '../lib/alert.ts';
import { streamAlertsRequest, toAlertPayload, type AlertFilters } from './alert-events.ts';
import { streamAlerts } from './pipeline.gateway.ts';
import { streamSnapshot, type StreamSnapshot } from './stream-snapshot.ts';

/** The snapshot of StreamAlerts with the page's filters (within `timeoutMs`), or why not. */
export function alertsSnapshot(filters: AlertFilters, timeoutMs = 2_000): Promise<StreamSnapshot<AlertPayload>> {
  return streamSnapshot(
    (options) => streamAlerts(streamAlertsRequest(filters), options),
    (message) => (message.alert ? toAlertPayload(message.alert, true) : null),
    timeoutMs,
  );
}
