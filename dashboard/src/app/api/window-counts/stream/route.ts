import { relayGatewayStream } from '@/server/gateway-sse-relay.ts';
import { streamWindowCounts } from '@/server/pipeline.gateway.ts';
import { parseWindowCountFilters, windowCountRecordEvent } from '@/server/window-count-events.ts';

export const runtime = 'nodejs';
export const dynamic = 'force-dynamic';

/**
 * GET /api/window-counts/stream[?sensor=…]: the gateway's StreamWindowCounts (updates too; every
 * sensor, or the ones named) as Server-Sent Events (`window-count`, plus the generic events of
 * every relayed stream; see the dashboard README). Resumes after `Last-Event-ID`. Bad filters: 400.
 */
export function GET(request: Request): Response {
  const parsed = parseWindowCountFilters(new URL(request.url).searchParams);
  if (!parsed.ok) {
    return Response.json({ error: 'INVALID_ARGUMENT', message: parsed.message }, { status: 400, headers: { 'Cache-Control': 'no-store' } });
  }
  const sensorIds = parsed.filters.sensor;
  return relayGatewayStream(request, {
    open: (resumeCursor) => streamWindowCounts({ sensorIds, finalsOnly: false, resumeCursor }),
    recordEvent: windowCountRecordEvent,
  });
}
