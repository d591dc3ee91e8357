import { status } from '@grpc/grpc-js';
import { ALERT_ACKS_TOPIC, parseAlertId, type Alert, type AlertAck } from '@iot/contracts';
import type { AckAlertRequest__Output, AckAlertResponse, PipelineServiceHandlers } from '@iot/contracts/grpc';
import type { Logger } from '@iot/runtime';
import { invalidArgument, RpcError, unaryHandler } from '../grpc-errors.ts';

export const MAX_ACKNOWLEDGED_BY = 100;

export interface AckAlertDeps {
  /** The alert's current state in the gateway's view of iot.alerts; undefined when it has none with that id. */
  currentAlert: (alertId: string) => Alert | undefined;
  /** Writes the acknowledgement to iot.alert-acks (createAlertAckWriter in @iot/runtime). */
  writeAck: (ack: AlertAck & { sensorId: string }) => Promise<{ partition: number; offset: string }>;
  logger: Logger;
}

/** Checks an AckAlert request; throws INVALID_ARGUMENT naming the field. `acknowledgedBy` comes back trimmed. */
export function validateAckAlert(request: AckAlertRequest__Output): { alertId: string; sensorId: string; acknowledgedBy: string } {
  const { alertId } = request;
  const expected = 'expected sensorId/RULE/openedAt, e.g. plant-a-temperature-1/RANGE/1795434132889, as on Alert.alert_id';
  if (alertId === '') throw invalidArgument('alert_id', `must not be empty (${expected})`);
  const id = parseAlertId(alertId);
  if (!id) throw invalidArgument('alert_id', `${JSON.stringify(alertId)} is not an alert id (${expected})`);
  const acknowledgedBy = request.acknowledgedBy.trim();
  const length = [...acknowledgedBy].length; // characters, not UTF-16 units
  if (length === 0) throw invalidArgument('acknowledged_by', 'must not be empty');
  if (length > MAX_ACKNOWLEDGED_BY) throw invalidArgument('acknowledged_by', `at most ${MAX_ACKNOWLEDGED_BY} characters, got ${length}`);
  return { alertId, sensorId: id.sensorId, acknowledgedBy };
}

/**
 * Decides an AckAlert against the gateway's current view of the alert: NOT_FOUND when it has
 * none with that id, FAILED_PRECONDITION when the alert is not OPEN.
 */
export function checkAckable(alertId: string, alert: Alert | undefined): void {
  if (!alert) throw new RpcError(status.NOT_FOUND, `no alert ${alertId} in the gateway's view of iot.alerts (unknown, expired, or replaced by a newer occurrence with another id)`);
  if (alert.state === 'OPEN') return;
  const detail =
    alert.state === 'ACKNOWLEDGED' ? `ACKNOWLEDGED${alert.acknowledgedBy ? ` by ${alert.acknowledgedBy}` : ''}` : 'CLEARED';
  throw new RpcError(status.FAILED_PRECONDITION, `alert ${alertId} is ${detail}, not OPEN: only an OPEN alert can be acknowledged`);
}

/**
 * AckAlert: validates, checks the alert is OPEN in the gateway's view, and writes the request to
 * iot.alert-acks; the stream processor applies it and the new state arrives on StreamAlerts.
 * A failed write is UNAVAILABLE: retrying is safe (the processor ignores an ack for an alert
 * that is no longer OPEN).
 */
export function ackAlertHandler(deps: AckAlertDeps): PipelineServiceHandlers['AckAlert'] {
  return unaryHandler('AckAlert', deps.logger, async (call): Promise<AckAlertResponse> => {
    const { alertId, sensorId, acknowledgedBy } = validateAckAlert(call.request);
    checkAckable(alertId, deps.currentAlert(alertId));
    let written: { partition: number; offset: string };
    try {
      written = await deps.writeAck({ alertId, acknowledgedBy, requestedAt: Date.now(), sensorId });
    } catch (error) {
      deps.logger.error({ err: error, method: 'AckAlert', alertId }, 'writing the acknowledgement failed');
      throw new RpcError(status.UNAVAILABLE, `could not write the acknowledgement to ${ALERT_ACKS_TOPIC} (Kafka or the schema registry is unavailable); retry later`);
    }
    deps.logger.info({ alertId, by: acknowledgedBy, partition: written.partition, offset: written.offset }, 'acknowledgement written');
    return { position: { topic: ALERT_ACKS_TOPIC, partition: written.partition, offset: Number(written.offset) } };
  });
}
