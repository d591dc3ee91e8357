// Original file: contracts/proto/iot/v1/pipeline.proto

import type * as grpc from '@grpc/grpc-js'
import type { MethodDefinition } from '@grpc/proto-loader'
import type { AckAlertRequest as _iot_v1_AckAlertRequest, AckAlertRequest__Output as _iot_v1_AckAlertRequest__Output } from '../../iot/v1/AckAlertRequest.ts';
import type { AckAlertResponse as _iot_v1_AckAlertResponse, AckAlertResponse__Output as _iot_v1_AckAlertResponse__Output } from '../../iot/v1/AckAlertResponse.ts';
import type { AlertEvent as _iot_v1_AlertEvent, AlertEvent__Output as _iot_v1_AlertEvent__Output } from '../../iot/v1/AlertEvent.ts';
import type { GetPipelineHealthRequest as _iot_v1_GetPipelineHealthRequest, GetPipelineHealthRequest__Output as _iot_v1_GetPipelineHealthRequest__Output } from '../../iot/v1/GetPipelineHealthRequest.ts';
import type { GetPipelineHealthResponse as _iot_v1_GetPipelineHealthResponse, GetPipelineHealthResponse__Output as _iot_v1_GetPipelineHealthResponse__Output } from '../../iot/v1/GetPipelineHealthResponse.ts';
import type { GetWindowCountsRequest as _iot_v1_GetWindowCountsRequest, GetWindowCountsRequest__Output as _iot_v1_GetWindowCountsRequest__Output } from '../../iot/v1/GetWindowCountsRequest.ts';
import type { GetWindowCountsResponse as _iot_v1_GetWindowCountsResponse, GetWindowCountsResponse__Output as _iot_v1_GetWindowCountsResponse__Output } from '../../iot/v1/GetWindowCountsResponse.ts';
import type { IngestReadingsRequest as _iot_v1_IngestReadingsRequest, IngestReadingsRequest__Output as _iot_v1_IngestReadingsRequest__Output } from '../../iot/v1/IngestReadingsRequest.ts';
import type { IngestReadingsResponse as _iot_v1_IngestReadingsResponse, IngestReadingsResponse__Output as _iot_v1_IngestReadingsResponse__Output } from '../../iot/v1/IngestReadingsResponse.ts';
import type { ListSensorsRequest as _iot_v1_ListSensorsRequest, ListSensorsRequest__Output as _iot_v1_ListSensorsRequest__Output } from '../../iot/v1/ListSensorsRequest.ts';
import type { ListSensorsResponse as _iot_v1_ListSensorsResponse, ListSensorsResponse__Output as _iot_v1_ListSensorsResponse__Output } from '../../iot/v1/ListSensorsResponse.ts';
import type { ReadingEvent as _iot_v1_ReadingEvent, ReadingEvent__Output as _iot_v1_ReadingEvent__Output } from '../../iot/v1/ReadingEvent.ts';
import type { StreamAlertsRequest as _iot_v1_StreamAlertsRequest, StreamAlertsRequest__Output as _iot_v1_StreamAlertsRequest__Output } from '../../iot/v1/StreamAlertsRequest.ts';
import type { StreamReadingsRequest as _iot_v1_StreamReadingsRequest, StreamReadingsRequest__Output as _iot_v1_StreamReadingsRequest__Output } from '../../iot/v1/StreamReadingsRequest.ts';
import type { StreamWindowCountsRequest as _iot_v1_StreamWindowCountsRequest, StreamWindowCountsRequest__Output as _iot_v1_StreamWindowCountsRequest__Output } from '../../iot/v1/StreamWindowCountsRequest.ts';
import type { WindowCountEvent as _iot_v1_WindowCountEvent, WindowCountEvent__Output as _iot_v1_WindowCountEvent__Output } from '../../iot/v1/WindowCountEvent.ts';

/**
 * Live views of the pipeline's results, history, and device ingest.
 */
export interface PipelineServiceClient extends grpc.Client {
  /**
   * Acknowledges an open alert: the request goes to iot.alert-acks, the stream processor applies
   * it, and the new state arrives on StreamAlerts (iot.alerts stays the single source of truth).
   */
  AckAlert(argument: _iot_v1_AckAlertRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_iot_v1_AckAlertResponse__Output>): grpc.ClientUnaryCall;
  AckAlert(argument: _iot_v1_AckAlertRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_iot_v1_AckAlertResponse__Output>): grpc.ClientUnaryCall;
  AckAlert(argument: _iot_v1_AckAlertRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_iot_v1_AckAlertResponse__Output>): grpc.ClientUnaryCall;
  AckAlert(argument: _iot_v1_AckAlertRequest, callback: grpc.requestCallback<_iot_v1_AckAlertResponse__Output>): grpc.ClientUnaryCall;
  /**
   * Acknowledges an open alert: the request goes to iot.alert-acks, the stream processor applies
   * it, and the new state arrives on StreamAlerts (iot.alerts stays the single source of truth).
   */
  ackAlert(argument: _iot_v1_AckAlertRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_iot_v1_AckAlertResponse__Output>): grpc.ClientUnaryCall;
  ackAlert(argument: _iot_v1_AckAlertRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_iot_v1_AckAlertResponse__Output>): grpc.ClientUnaryCall;
  ackAlert(argument: _iot_v1_AckAlertRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_iot_v1_AckAlertResponse__Output>): grpc.ClientUnaryCall;
  ackAlert(argument: _iot_v1_AckAlertRequest, callback: grpc.requestCallback<_iot_v1_AckAlertResponse__Output>): grpc.ClientUnaryCall;
  
  /**
   * Why data stopped, at a glance: the state of each part of the pipeline (Kafka, the schema
   * registry, Kafka Connect and its connectors, the stream processor's consumer group, this
   * gateway) and how fresh each pipeline topic is. Every probe has a short timeout (about 1.5 s);
   * a part that does not answer is DOWN with the reason, never an error of the call.
   */
  GetPipelineHealth(argument: _iot_v1_GetPipelineHealthRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_iot_v1_GetPipelineHealthResponse__Output>): grpc.ClientUnaryCall;
  GetPipelineHealth(argument: _iot_v1_GetPipelineHealthRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_iot_v1_GetPipelineHealthResponse__Output>): grpc.ClientUnaryCall;
  GetPipelineHealth(argument: _iot_v1_GetPipelineHealthRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_iot_v1_GetPipelineHealthResponse__Output>): grpc.ClientUnaryCall;
  GetPipelineHealth(argument: _iot_v1_GetPipelineHealthRequest, callback: grpc.requestCallback<_iot_v1_GetPipelineHealthResponse__Output>): grpc.ClientUnaryCall;
  /**
   * Why data stopped, at a glance: the state of each part of the pipeline (Kafka, the schema
   * registry, Kafka Connect and its connectors, the stream processor's consumer group, this
   * gateway) and how fresh each pipeline topic is. Every probe has a short timeout (about 1.5 s);
   * a part that does not answer is DOWN with the reason, never an error of the call.
   */
  getPipelineHealth(argument: _iot_v1_GetPipelineHealthRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_iot_v1_GetPipelineHealthResponse__Output>): grpc.ClientUnaryCall;
  getPipelineHealth(argument: _iot_v1_GetPipelineHealthRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_iot_v1_GetPipelineHealthResponse__Output>): grpc.ClientUnaryCall;
  getPipelineHealth(argument: _iot_v1_GetPipelineHealthRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_iot_v1_GetPipelineHealthResponse__Output>): grpc.ClientUnaryCall;
  getPipelineHealth(argument: _iot_v1_GetPipelineHealthRequest, callback: grpc.requestCallback<_iot_v1_GetPipelineHealthResponse__Output>): grpc.ClientUnaryCall;
  
  /**
   * Closed windows of one sensor over a time range, from Postgres (window_counts_1m), a page at a time.
   */
  GetWindowCounts(argument: _iot_v1_GetWindowCountsRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_iot_v1_GetWindowCountsResponse__Output>): grpc.ClientUnaryCall;
  GetWindowCounts(argument: _iot_v1_GetWindowCountsRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_iot_v1_GetWindowCountsResponse__Output>): grpc.ClientUnaryCall;
  GetWindowCounts(argument: _iot_v1_GetWindowCountsRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_iot_v1_GetWindowCountsResponse__Output>): grpc.ClientUnaryCall;
  GetWindowCounts(argument: _iot_v1_GetWindowCountsRequest, callback: grpc.requestCallback<_iot_v1_GetWindowCountsResponse__Output>): grpc.ClientUnaryCall;
  /**
   * Closed windows of one sensor over a time range, from Postgres (window_counts_1m), a page at a time.
   */
  getWindowCounts(argument: _iot_v1_GetWindowCountsRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_iot_v1_GetWindowCountsResponse__Output>): grpc.ClientUnaryCall;
  getWindowCounts(argument: _iot_v1_GetWindowCountsRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_iot_v1_GetWindowCountsResponse__Output>): grpc.ClientUnaryCall;
  getWindowCounts(argument: _iot_v1_GetWindowCountsRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_iot_v1_GetWindowCountsResponse__Output>): grpc.ClientUnaryCall;
  getWindowCounts(argument: _iot_v1_GetWindowCountsRequest, callback: grpc.requestCallback<_iot_v1_GetWindowCountsResponse__Output>): grpc.ClientUnaryCall;
  
  /**
   * For devices that cannot speak Kafka: readings are validated one by one and the valid ones
   * produced to iot.sensor-readings exactly as the simulator does. The answer counts them.
   */
  IngestReadings(metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_iot_v1_IngestReadingsResponse__Output>): grpc.ClientWritableStream<_iot_v1_IngestReadingsRequest>;
  IngestReadings(metadata: grpc.Metadata, callback: grpc.requestCallback<_iot_v1_IngestReadingsResponse__Output>): grpc.ClientWritableStream<_iot_v1_IngestReadingsRequest>;
  IngestReadings(options: grpc.CallOptions, callback: grpc.requestCallback<_iot_v1_IngestReadingsResponse__Output>): grpc.ClientWritableStream<_iot_v1_IngestReadingsRequest>;
  IngestReadings(callback: grpc.requestCallback<_iot_v1_IngestReadingsResponse__Output>): grpc.ClientWritableStream<_iot_v1_IngestReadingsRequest>;
  /**
   * For devices that cannot speak Kafka: readings are validated one by one and the valid ones
   * produced to iot.sensor-readings exactly as the simulator does. The answer counts them.
   */
  ingestReadings(metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_iot_v1_IngestReadingsResponse__Output>): grpc.ClientWritableStream<_iot_v1_IngestReadingsRequest>;
  ingestReadings(metadata: grpc.Metadata, callback: grpc.requestCallback<_iot_v1_IngestReadingsResponse__Output>): grpc.ClientWritableStream<_iot_v1_IngestReadingsRequest>;
  ingestReadings(options: grpc.CallOptions, callback: grpc.requestCallback<_iot_v1_IngestReadingsResponse__Output>): grpc.ClientWritableStream<_iot_v1_IngestReadingsRequest>;
  ingestReadings(callback: grpc.requestCallback<_iot_v1_IngestReadingsResponse__Output>): grpc.ClientWritableStream<_iot_v1_IngestReadingsRequest>;
  
  /**
   * The device registry (Postgres table devices) with each sensor's latest reading and open alerts.
   */
  ListSensors(argument: _iot_v1_ListSensorsRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_iot_v1_ListSensorsResponse__Output>): grpc.ClientUnaryCall;
  ListSensors(argument: _iot_v1_ListSensorsRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_iot_v1_ListSensorsResponse__Output>): grpc.ClientUnaryCall;
  ListSensors(argument: _iot_v1_ListSensorsRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_iot_v1_ListSensorsResponse__Output>): grpc.ClientUnaryCall;
  ListSensors(argument: _iot_v1_ListSensorsRequest, callback: grpc.requestCallback<_iot_v1_ListSensorsResponse__Output>): grpc.ClientUnaryCall;
  /**
   * The device registry (Postgres table devices) with each sensor's latest reading and open alerts.
   */
  listSensors(argument: _iot_v1_ListSensorsRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_iot_v1_ListSensorsResponse__Output>): grpc.ClientUnaryCall;
  listSensors(argument: _iot_v1_ListSensorsRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_iot_v1_ListSensorsResponse__Output>): grpc.ClientUnaryCall;
  listSensors(argument: _iot_v1_ListSensorsRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_iot_v1_ListSensorsResponse__Output>): grpc.ClientUnaryCall;
  listSensors(argument: _iot_v1_ListSensorsRequest, callback: grpc.requestCallback<_iot_v1_ListSensorsResponse__Output>): grpc.ClientUnaryCall;
  
  /**
   * Alert state changes from iot.alerts. Snapshot: every matching alert's current state.
   */
  StreamAlerts(argument: _iot_v1_StreamAlertsRequest, metadata: grpc.Metadata, options?: grpc.CallOptions): grpc.ClientReadableStream<_iot_v1_AlertEvent__Output>;
  StreamAlerts(argument: _iot_v1_StreamAlertsRequest, options?: grpc.CallOptions): grpc.ClientReadableStream<_iot_v1_AlertEvent__Output>;
  /**
   * Alert state changes from iot.alerts. Snapshot: every matching alert's current state.
   */
  streamAlerts(argument: _iot_v1_StreamAlertsRequest, metadata: grpc.Metadata, options?: grpc.CallOptions): grpc.ClientReadableStream<_iot_v1_AlertEvent__Output>;
  streamAlerts(argument: _iot_v1_StreamAlertsRequest, options?: grpc.CallOptions): grpc.ClientReadableStream<_iot_v1_AlertEvent__Output>;
  
  /**
   * Raw readings from iot.sensor-readings, filtered. Snapshot: each matching sensor's latest reading.
   */
  StreamReadings(argument: _iot_v1_StreamReadingsRequest, metadata: grpc.Metadata, options?: grpc.CallOptions): grpc.ClientReadableStream<_iot_v1_ReadingEvent__Output>;
  StreamReadings(argument: _iot_v1_StreamReadingsRequest, options?: grpc.CallOptions): grpc.ClientReadableStream<_iot_v1_ReadingEvent__Output>;
  /**
   * Raw readings from iot.sensor-readings, filtered. Snapshot: each matching sensor's latest reading.
   */
  streamReadings(argument: _iot_v1_StreamReadingsRequest, metadata: grpc.Metadata, options?: grpc.CallOptions): grpc.ClientReadableStream<_iot_v1_ReadingEvent__Output>;
  streamReadings(argument: _iot_v1_StreamReadingsRequest, options?: grpc.CallOptions): grpc.ClientReadableStream<_iot_v1_ReadingEvent__Output>;
  
  /**
   * Per-minute window counts from iot.window-counts-1m. Snapshot: the last `snapshot_minutes`.
   */
  StreamWindowCounts(argument: _iot_v1_StreamWindowCountsRequest, metadata: grpc.Metadata, options?: grpc.CallOptions): grpc.ClientReadableStream<_iot_v1_WindowCountEvent__Output>;
  StreamWindowCounts(argument: _iot_v1_StreamWindowCountsRequest, options?: grpc.CallOptions): grpc.ClientReadableStream<_iot_v1_WindowCountEvent__Output>;
  /**
   * Per-minute window counts from iot.window-counts-1m. Snapshot: the last `snapshot_minutes`.
   */
  streamWindowCounts(argument: _iot_v1_StreamWindowCountsRequest, metadata: grpc.Metadata, options?: grpc.CallOptions): grpc.ClientReadableStream<_iot_v1_WindowCountEvent__Output>;
  streamWindowCounts(argument: _iot_v1_StreamWindowCountsRequest, options?: grpc.CallOptions): grpc.ClientReadableStream<_iot_v1_WindowCountEvent__Output>;
  
}

/**
 * Live views of the pipeline's results, history, and device ingest.
 */
export interface PipelineServiceHandlers extends grpc.UntypedServiceImplementation {
  /**
   * Acknowledges an open alert: the request goes to iot.alert-acks, the stream processor applies
   * it, and the new state arrives on StreamAlerts (iot.alerts stays the single source of truth).
   */
  AckAlert: grpc.handleUnaryCall<_iot_v1_AckAlertRequest__Output, _iot_v1_AckAlertResponse>;
  
  /**
   * Why data stopped, at a glance: the state of each part of the pipeline (Kafka, the schema
   * registry, Kafka Connect and its connectors, the stream processor's consumer group, this
   * gateway) and how fresh each pipeline topic is. Every probe has a short timeout (about 1.5 s);
   * a part that does not answer is DOWN with the reason, never an error of the call.
   */
  GetPipelineHealth: grpc.handleUnaryCall<_iot_v1_GetPipelineHealthRequest__Output, _iot_v1_GetPipelineHealthResponse>;
  
  /**
   * Closed windows of one sensor over a time range, from Postgres (window_counts_1m), a page at a time.
   */
  GetWindowCounts: grpc.handleUnaryCall<_iot_v1_GetWindowCountsRequest__Output, _iot_v1_GetWindowCountsResponse>;
  
  /**
   * For devices that cannot speak Kafka: readings are validated one by one and the valid ones
   * produced to iot.sensor-readings exactly as the simulator does. The answer counts them.
   */
  IngestReadings: grpc.handleClientStreamingCall<_iot_v1_IngestReadingsRequest__Output, _iot_v1_IngestReadingsResponse>;
  
  /**
   * The device registry (Postgres table devices) with each sensor's latest reading and open alerts.
   */
  ListSensors: grpc.handleUnaryCall<_iot_v1_ListSensorsRequest__Output, _iot_v1_ListSensorsResponse>;
  
  /**
   * Alert state changes from iot.alerts. Snapshot: every matching alert's current state.
   */
  StreamAlerts: grpc.handleServerStreamingCall<_iot_v1_StreamAlertsRequest__Output, _iot_v1_AlertEvent>;
  
  /**
   * Raw readings from iot.sensor-readings, filtered. Snapshot: each matching sensor's latest reading.
   */
  StreamReadings: grpc.handleServerStreamingCall<_iot_v1_StreamReadingsRequest__Output, _iot_v1_ReadingEvent>;
  
  /**
   * Per-minute window counts from iot.window-counts-1m. Snapshot: the last `snapshot_minutes`.
   */
  StreamWindowCounts: grpc.handleServerStreamingCall<_iot_v1_StreamWindowCountsRequest__Output, _iot_v1_WindowCountEvent>;
  
}

export interface PipelineServiceDefinition extends grpc.ServiceDefinition {
  AckAlert: MethodDefinition<_iot_v1_AckAlertRequest, _iot_v1_AckAlertResponse, _iot_v1_AckAlertRequest__Output, _iot_v1_AckAlertResponse__Output>
  GetPipelineHealth: MethodDefinition<_iot_v1_GetPipelineHealthRequest, _iot_v1_GetPipelineHealthResponse, _iot_v1_GetPipelineHealthRequest__Output, _iot_v1_GetPipelineHealthResponse__Output>
  GetWindowCounts: MethodDefinition<_iot_v1_GetWindowCountsRequest, _iot_v1_GetWindowCountsResponse, _iot_v1_GetWindowCountsRequest__Output, _iot_v1_GetWindowCountsResponse__Output>
  IngestReadings: MethodDefinition<_iot_v1_IngestReadingsRequest, _iot_v1_IngestReadingsResponse, _iot_v1_IngestReadingsRequest__Output, _iot_v1_IngestReadingsResponse__Output>
  ListSensors: MethodDefinition<_iot_v1_ListSensorsRequest, _iot_v1_ListSensorsResponse, _iot_v1_ListSensorsRequest__Output, _iot_v1_ListSensorsResponse__Output>
  StreamAlerts: MethodDefinition<_iot_v1_StreamAlertsRequest, _iot_v1_AlertEvent, _iot_v1_StreamAlertsRequest__Output, _iot_v1_AlertEvent__Output>
  StreamReadings: MethodDefinition<_iot_v1_StreamReadingsRequest, _iot_v1_ReadingEvent, _iot_v1_StreamReadingsRequest__Output, _iot_v1_ReadingEvent__Output>
  StreamWindowCounts: MethodDefinition<_iot_v1_StreamWindowCountsRequest, _iot_v1_WindowCountEvent, _iot_v1_StreamWindowCountsRequest__Output, _iot_v1_WindowCountEvent__Output>
}
