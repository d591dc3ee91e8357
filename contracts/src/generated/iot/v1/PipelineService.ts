// Original file: contracts/proto/iot/v1/pipeline.proto

import type * as grpc from '@grpc/grpc-js'
import type { MethodDefinition } from '@grpc/proto-loader'
import type { StreamWindowCountsRequest as _iot_v1_StreamWindowCountsRequest, StreamWindowCountsRequest__Output as _iot_v1_StreamWindowCountsRequest__Output } from '../../iot/v1/StreamWindowCountsRequest.ts';
import type { WindowCountEvent as _iot_v1_WindowCountEvent, WindowCountEvent__Output as _iot_v1_WindowCountEvent__Output } from '../../iot/v1/WindowCountEvent.ts';

/**
 * Live views of the pipeline's results.
 */
export interface PipelineServiceClient extends grpc.Client {
  /**
   * Streams per-minute window counts as they change: first the current state of the
   * matching windows (snapshot = true), then every later change (snapshot = false).
   */
  StreamWindowCounts(argument: _iot_v1_StreamWindowCountsRequest, metadata: grpc.Metadata, options?: grpc.CallOptions): grpc.ClientReadableStream<_iot_v1_WindowCountEvent__Output>;
  StreamWindowCounts(argument: _iot_v1_StreamWindowCountsRequest, options?: grpc.CallOptions): grpc.ClientReadableStream<_iot_v1_WindowCountEvent__Output>;
  /**
   * Streams per-minute window counts as they change: first the current state of the
   * matching windows (snapshot = true), then every later change (snapshot = false).
   */
  streamWindowCounts(argument: _iot_v1_StreamWindowCountsRequest, metadata: grpc.Metadata, options?: grpc.CallOptions): grpc.ClientReadableStream<_iot_v1_WindowCountEvent__Output>;
  streamWindowCounts(argument: _iot_v1_StreamWindowCountsRequest, options?: grpc.CallOptions): grpc.ClientReadableStream<_iot_v1_WindowCountEvent__Output>;
  
}

/**
 * Live views of the pipeline's results.
 */
export interface PipelineServiceHandlers extends grpc.UntypedServiceImplementation {
  /**
   * Streams per-minute window counts as they change: first the current state of the
   * matching windows (snapshot = true), then every later change (snapshot = false).
   */
  StreamWindowCounts: grpc.handleServerStreamingCall<_iot_v1_StreamWindowCountsRequest__Output, _iot_v1_WindowCountEvent>;
  
}

export interface PipelineServiceDefinition extends grpc.ServiceDefinition {
  StreamWindowCounts: MethodDefinition<_iot_v1_StreamWindowCountsRequest, _iot_v1_WindowCountEvent, _iot_v1_StreamWindowCountsRequest__Output, _iot_v1_WindowCountEvent__Output>
}
