import { relayGatewayStream } from '@/server/gateway-sse-relay.ts';
import { streamReadings } from '@/server/pipeline.gateway.ts';
import { parseReadingFilters, readingRecordEvent, streamReadingsRequest } from '@/server/reading-events.ts';

export const runtime = 'nodejs';
export const dynamic = 'force-dynamic';

/**
 * GET /api/readings/stream[?site=…&type=…&sensor=…]: the gateway's StreamReadings as Server-Sent
 * Events (`reading`, plus the generic events of every relayed stream; see the dashboard README).
 * Bad filters: 400 with the problems.
 */
export function GET(request: Request): Response {
  const parsed = parseReadingFilters(new URL(request.url).searchParams);
  if (!parsed.ok) {
    return Response.json({ error: 'INVALID_ARGUMENT', message: parsed.message }, { status: 400, headers: { 'Cache-Control': 'no-store' } });
  }
  const readingsRequest = streamReadingsRequest(parsed.filters);
  return relayGatewayStream(request, {
    open: (resumeCursor) => streamReadings({ ...readingsRequest, resumeCursor }),
    recordEvent: readingRecordEvent,
  });
}
