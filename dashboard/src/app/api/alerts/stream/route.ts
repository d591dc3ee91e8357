import { alertRecordEvent, parseAlertFilters, streamAlertsRequest } from '@/server/alert-events.ts';
import { relayGatewayStream } from '@/server/gateway-sse-relay.ts';
import { streamAlerts } from '@/server/pipeline.gateway.ts';

export const runtime = 'nodejs';
export const dynamic = 'force-dynamic';

/**
 * GET /api/alerts/stream[?site=…&sensor=…&severity=WARNING|CRITICAL&state=OPEN|ACKNOWLEDGED|CLEARED]:
 * the gateway's StreamAlerts as Server-Sent Events (`alert`, `alert-removed`, plus the generic
 * events of every relayed stream; see the dashboard README). Bad filters: 400 with the problems.
 */
export function GET(request: Request): Response {
  const parsed = parseAlertFilters(new URL(request.url).searchParams);
  if (!parsed.ok) {
    return Response.json({ error: 'INVALID_ARGUMENT', message: parsed.message }, { status: 400, headers: { 'Cache-Control': 'no-store' } });
  }
  const alertsRequest = streamAlertsRequest(parsed.filters);
  return relayGatewayStream(request, {
    open: (resumeCursor) => streamAlerts({ ...alertsRequest, resumeCursor }),
    recordEvent: alertRecordEvent,
  });
}
