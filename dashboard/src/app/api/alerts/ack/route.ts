import { z } from 'zod';
import type { AlertAckRequestBody, ApiErrorBody } from '@/lib/alert.ts';
import { describeGrpcError } from '@/server/grpc-errors.ts';
import { ackAlert } from '@/server/pipeline.gateway.ts';

export const runtime = 'nodejs';
export const dynamic = 'force-dynamic';

/** A JSON body of two short strings never needs more. */
const MAX_BODY_BYTES = 4096;

const ackSchema = z.strictObject({
  alertId: z.string().trim().min(1, 'must not be empty').max(400, 'at most 400 characters'),
  acknowledgedBy: z.string().trim().min(1, 'must not be empty').max(100, 'at most 100 characters'),
}) satisfies z.ZodType<AlertAckRequestBody>;

const NO_STORE = { 'Cache-Control': 'no-store' } as const;

function problem(status: number, body: ApiErrorBody): Response {
  return Response.json(body, { status, headers: NO_STORE });
}

/**
 * POST /api/alerts/ack with JSON `{alertId, acknowledgedBy}`: the gateway's AckAlert. 202: the
 * acknowledgement is written to iot.alert-acks (the new state arrives on the alerts stream); a
 * gRPC failure gets the HTTP status of grpc-errors.ts (NOT_FOUND 404, FAILED_PRECONDITION 400, …).
 * Only `application/json` is accepted, which a cross-site form cannot send without CORS preflight.
 */
export async function POST(request: Request): Promise<Response> {
  const contentType = request.headers.get('content-type') ?? '';
  if (!/^application\/json\s*(;|$)/i.test(contentType)) {
    return problem(415, { error: 'UNSUPPORTED_MEDIA_TYPE', message: 'send Content-Type: application/json' });
  }
  const declared = Number(request.headers.get('content-length') ?? '0');
  if (declared > MAX_BODY_BYTES) return problem(413, { error: 'PAYLOAD_TOO_LARGE', message: `at most ${MAX_BODY_BYTES} bytes` });
  const text = await request.text();
  if (Buffer.byteLength(text) > MAX_BODY_BYTES) return problem(413, { error: 'PAYLOAD_TOO_LARGE', message: `at most ${MAX_BODY_BYTES} bytes` });

  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return problem(400, { error: 'INVALID_ARGUMENT', message: 'the body is not JSON' });
  }
  const parsed = ackSchema.safeParse(json);
  if (!parsed.success) {
    const message = parsed.error.issues
      .map((issue) => (issue.code === 'unrecognized_keys' ? `unknown field ${issue.keys.join(', ')}` : `${issue.path.join('.') || 'body'}: ${issue.message}`))
      .join('; ');
    return problem(400, { error: 'INVALID_ARGUMENT', message });
  }

  try {
    const response = await ackAlert(parsed.data);
    return Response.json({ acknowledged: true, position: response.position }, { status: 202, headers: NO_STORE });
  } catch (error) {
    const described = describeGrpcError(error);
    return problem(described.httpStatus, { error: described.code, message: described.message });
  }
}
