// Server-only: the grpc-js client for the gateway's PipelineService. Import this from route
// handlers only, never from a client component.
import * as grpc from '@grpc/grpc-js';
import {
  loadPipelineProto,
  type PipelineServiceClient,
  type StreamWindowCountsRequest,
  type WindowCountEvent__Output,
} from '@iot/contracts/grpc';
import { dashboardConfig } from './config.ts';

let client: PipelineServiceClient | undefined;

/** One shared client (one HTTP/2 connection) for all requests of this process. */
export function pipelineClient(): PipelineServiceClient {
  if (client === undefined) {
    const proto = loadPipelineProto(grpc);
    client = new proto.iot.v1.PipelineService(dashboardConfig().gatewayAddress, grpc.credentials.createInsecure(), {
      // Keep an idle stream's connection alive through proxies and NATs.
      'grpc.keepalive_time_ms': 30_000,
      'grpc.keepalive_timeout_ms': 10_000,
    });
  }
  return client;
}

export type WindowCountsCall = grpc.ClientReadableStream<WindowCountEvent__Output>;

/** Opens PipelineService.StreamWindowCounts: a snapshot of current windows, then every change. */
export function streamWindowCounts(request: StreamWindowCountsRequest): WindowCountsCall {
  return pipelineClient().StreamWindowCounts(request, authMetadata());
}

/** The gateway's bearer token, which never leaves this server. */
function authMetadata(): grpc.Metadata {
  const metadata = new grpc.Metadata();
  metadata.set('authorization', `Bearer ${dashboardConfig().gatewayToken}`);
  return metadata;
}
