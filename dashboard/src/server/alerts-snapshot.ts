// Server-only: the current alerts for the first render of /alerts.
import type { AlertEvent__Output } from '@iot/contracts/grpc';
import type { AlertPayload } from '../lib/alert.ts';
import { streamAlertsRequest, toAlertPayload, type AlertFilters } from './alert-events.ts';
import { describeGrpcError } from './grpc-errors.ts';
import { streamAlerts } from './pipeline.gateway.ts';

export type AlertsSnapshot =
  | { readonly ok: true; readonly alerts: AlertPayload[]; readonly takenAtMs: number }
  | { readonly ok: false; readonly message: string };

/**
 * Subscribes to StreamAlerts, keeps its snapshot and cancels the call at snapshot_complete. The
 * page renders it, then goes live with its own subscription (whose snapshot replaces this one),
 * so nothing between the two is missed. Gives up after `timeoutMs`: the page then says it is connecting.
 */
export function alertsSnapshot(filters: AlertFilters, timeoutMs = 2_000): Promise<AlertsSnapshot> {
  return new Promise((resolve) => {
    let call: ReturnType<typeof streamAlerts>;
    try {
      call = streamAlerts(streamAlertsRequest(filters), { deadline: Date.now() + timeoutMs });
    } catch (error) {
      resolve({ ok: false, message: describeGrpcError(error).message });
      return;
    }
    const alerts: AlertPayload[] = [];
    let done = false;
    const settle = (result: AlertsSnapshot): void => {
      if (done) return;
      done = true;
      call.cancel();
      resolve(result);
    };
    call.on('data', (message: AlertEvent__Output) => {
      if (message.alert && message.snapshot) {
        const payload = toAlertPayload(message.alert, true);
        if (payload !== null) alerts.push(payload);
      } else if (message.snapshotComplete) {
        settle({ ok: true, alerts, takenAtMs: Date.now() });
      }
    });
    call.on('error', (error: unknown) => settle({ ok: false, message: describeGrpcError(error).message }));
    call.on('end', () => settle({ ok: false, message: 'ENDED: the gateway closed the stream before its snapshot was complete' }));
  });
}
