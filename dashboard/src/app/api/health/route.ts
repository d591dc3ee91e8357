export const runtime = 'nodejs';
export const dynamic = 'force-dynamic';

/** GET /api/health: liveness of the dashboard process (polled by the stack tool and Docker). */
export function GET(): Response {
  return Response.json({ status: 'ok' }, { status: 200, headers: { 'Cache-Control': 'no-store' } });
}
