// Server-only: the grpc-js client for the gateway's PipelineService. Import this from route
// handlers and server components only, never from a client component.
import * as grpc from '@grpc/grpc-js';
import {
  loadPipelineProto,
  type AckAlertRequest,
  type AckAlertResponse__Output,
  type AlertEvent__Output,
  type GetPipelineHealthResponse__Output,
  type GetWindowCountsRequest,
  type GetWindowCountsResponse__Output,
  type ListSensorsRequest,
  type ListSensorsResponse__Output,
  type ReadingEvent__Output,
  type PipelineServiceClient,
  type StreamAlertsRequest,
  type StreamReadingsRequest,
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
export type AlertsCall = grpc.ClientReadableStream<AlertEvent__Output>;
export type ReadingsCall = grpc.ClientReadableStream<ReadingEvent__Output>;

/** Opens PipelineService.StreamWindowCounts: a snapshot of current windows, then every change. */
export function streamWindowCounts(request: StreamWindowCountsRequest, options: grpc.CallOptions = {}): WindowCountsCall {
  return pipelineClient().StreamWindowCounts(request, authMetadata(), options);
}

/** Opens PipelineService.StreamAlerts: every matching alert's state, then every change. */
export function streamAlerts(request: StreamAlertsRequest, options: grpc.CallOptions = {}): AlertsCall {
  return pipelineClient().StreamAlerts(request, authMetadata(), options);
}

/** Opens PipelineService.StreamReadings: each matching sensor's latest reading, then every new one. */
export function streamReadings(request: StreamReadingsRequest): ReadingsCall {
  return pipelineClient().StreamReadings(request, authMetadata());
}

/** PipelineService.ListSensors (the device registry with latest readings and open alert counts) with a deadline. */
export function listSensors(request: ListSensorsRequest, timeoutMs = 2_000): Promise<ListSensorsResponse__Output> {
  return new Promise((resolve, reject) => {
    pipelineClient().ListSensors(request, authMetadata(), { deadline: Date.now() + timeoutMs }, (error, response) => {
      if (error) reject(error);
      else if (response === undefined) reject(new Error('ListSensors answered nothing'));
      else resolve(response);
    });
  });
}

/** PipelineService.GetWindowCounts (one page of closed windows from Postgres) with a deadline. */
export function getWindowCounts(request: GetWindowCountsRequest, timeoutMs = 5_000): Promise<GetWindowCountsResponse__Output> {
  return new Promise((resolve, reject) => {
    pipelineClient().GetWindowCounts(request, authMetadata(), { deadline: Date.now() + timeoutMs }, (error, response) => {
      if (error) reject(error);
      else if (response === undefined) reject(new Error('GetWindowCounts answered nothing'));
      else resolve(response);
    });
  });
}

/** PipelineService.GetPipelineHealth (every part of the pipeline, as the gateway sees it) with a deadline. */
export function getPipelineHealth(timeoutMs = 4_000): Promise<GetPipelineHealthResponse__Output> {
  return new Promise((resolve, reject) => {
    pipelineClient().GetPipelineHealth({}, authMetadata(), { deadline: Date.now() + timeoutMs }, (error, response) => {
      if (error) reject(error);
      else if (response === undefined) reject(new Error('GetPipelineHealth answered nothing'));
      else resolve(response);
    });
  });
}

/** PipelineService.AckAlert with a deadline; rejects with the grpc-js error. */
export function ackAlert(request: AckAlertRequest, timeoutMs = 10_000): Promise<AckAlertResponse__Output> {
  return new Promise((resolve, reject) => {
    pipelineClient().AckAlert(request, authMetadata(), { deadline: Date.now() + timeoutMs }, (error, response) => {
      if (error) reject(error);
      else if (response === undefined) reject(new Error('AckAlert answered nothing'));
      else resolve(response);
    });
  });
}

/** The gateway's bearer token, which never leaves this server. */
function authMetadata(): grpc.Metadata {
  const metadata = new grpc.Metadata();
  metadata.set('authorization', `Bearer ${dashboardConfig().gatewayToken}`);
  return metadata;
}
