import { relayGatewayStream } from '@/server/gateway-sse-relay.ts';
import { streamWindowCounts } from '@/server/pipeline.gateway.ts';
import { windowCountRecordEvent } from '@/server/window-count-events.ts';

export const runtime = 'nodejs';
export const dynamic = 'force-dynamic';

/**
 * GET /api/window-counts/stream: the gateway's StreamWindowCounts (every sensor, updates too) as
 * Server-Sent Events (`window-count`, plus the generic events of every relayed stream; see the
 * dashboard README). Resumes after `Last-Event-ID`.
 */
export function GET(request: Request): Response {
  return relayGatewayStream(request, {
    open: (resumeCursor) => streamWindowCounts({ sensorIds: [], finalsOnly: false, resumeCursor }),
    recordEvent: windowCountRecordEvent,
  });
}
