import { pipelineHealth } from '@/server/pipeline-health.ts';

export const runtime = 'nodejs';
export const dynamic = 'force-dynamic';

/**
 * GET /api/pipeline/health: the gateway's GetPipelineHealth as JSON, `{"ok":true,"health":…}`;
 * when the gateway does not answer, 503 `{"ok":false,"message":…,"atMs":…}`.
 */
export async function GET(): Promise<Response> {
  const result = await pipelineHealth();
  return Response.json(result, { status: result.ok ? 200 : 503, headers: { 'Cache-Control': 'no-store' } });
}
