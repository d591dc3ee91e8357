import type * as grpc from '@grpc/grpc-js';
import type { EnumTypeDefinition, MessageTypeDefinition } from '@grpc/proto-loader';

import type { AckAlertRequest as _iot_v1_AckAlertRequest, AckAlertRequest__Output as _iot_v1_AckAlertRequest__Output } from './iot/v1/AckAlertRequest.ts';
import type { AckAlertResponse as _iot_v1_AckAlertResponse, AckAlertResponse__Output as _iot_v1_AckAlertResponse__Output } from './iot/v1/AckAlertResponse.ts';
import type { Alert as _iot_v1_Alert, Alert__Output as _iot_v1_Alert__Output } from './iot/v1/Alert.ts';
import type { AlertEvent as _iot_v1_AlertEvent, AlertEvent__Output as _iot_v1_AlertEvent__Output } from './iot/v1/AlertEvent.ts';
import type { AlertRemoved as _iot_v1_AlertRemoved, AlertRemoved__Output as _iot_v1_AlertRemoved__Output } from './iot/v1/AlertRemoved.ts';
import type { GetWindowCountsRequest as _iot_v1_GetWindowCountsRequest, GetWindowCountsRequest__Output as _iot_v1_GetWindowCountsRequest__Output } from './iot/v1/GetWindowCountsRequest.ts';
import type { GetWindowCountsResponse as _iot_v1_GetWindowCountsResponse, GetWindowCountsResponse__Output as _iot_v1_GetWindowCountsResponse__Output } from './iot/v1/GetWindowCountsResponse.ts';
import type { Heartbeat as _iot_v1_Heartbeat, Heartbeat__Output as _iot_v1_Heartbeat__Output } from './iot/v1/Heartbeat.ts';
import type { IngestReadingsRequest as _iot_v1_IngestReadingsRequest, IngestReadingsRequest__Output as _iot_v1_IngestReadingsRequest__Output } from './iot/v1/IngestReadingsRequest.ts';
import type { IngestReadingsResponse as _iot_v1_IngestReadingsResponse, IngestReadingsResponse__Output as _iot_v1_IngestReadingsResponse__Output } from './iot/v1/IngestReadingsResponse.ts';
import type { IngestRejection as _iot_v1_IngestRejection, IngestRejection__Output as _iot_v1_IngestRejection__Output } from './iot/v1/IngestRejection.ts';
import type { ListSensorsRequest as _iot_v1_ListSensorsRequest, ListSensorsRequest__Output as _iot_v1_ListSensorsRequest__Output } from './iot/v1/ListSensorsRequest.ts';
import type { ListSensorsResponse as _iot_v1_ListSensorsResponse, ListSensorsResponse__Output as _iot_v1_ListSensorsResponse__Output } from './iot/v1/ListSensorsResponse.ts';
import type { PipelineServiceClient as _iot_v1_PipelineServiceClient, PipelineServiceDefinition as _iot_v1_PipelineServiceDefinition } from './iot/v1/PipelineService.ts';
import type { ReadingEvent as _iot_v1_ReadingEvent, ReadingEvent__Output as _iot_v1_ReadingEvent__Output } from './iot/v1/ReadingEvent.ts';
import type { Sensor as _iot_v1_Sensor, Sensor__Output as _iot_v1_Sensor__Output } from './iot/v1/Sensor.ts';
import type { SensorReading as _iot_v1_SensorReading, SensorReading__Output as _iot_v1_SensorReading__Output } from './iot/v1/SensorReading.ts';
import type { SnapshotComplete as _iot_v1_SnapshotComplete, SnapshotComplete__Output as _iot_v1_SnapshotComplete__Output } from './iot/v1/SnapshotComplete.ts';
import type { StreamAlertsRequest as _iot_v1_StreamAlertsRequest, StreamAlertsRequest__Output as _iot_v1_StreamAlertsRequest__Output } from './iot/v1/StreamAlertsRequest.ts';
import type { StreamPosition as _iot_v1_StreamPosition, StreamPosition__Output as _iot_v1_StreamPosition__Output } from './iot/v1/StreamPosition.ts';
import type { StreamReadingsRequest as _iot_v1_StreamReadingsRequest, StreamReadingsRequest__Output as _iot_v1_StreamReadingsRequest__Output } from './iot/v1/StreamReadingsRequest.ts';
import type { StreamWindowCountsRequest as _iot_v1_StreamWindowCountsRequest, StreamWindowCountsRequest__Output as _iot_v1_StreamWindowCountsRequest__Output } from './iot/v1/StreamWindowCountsRequest.ts';
import type { WindowCount as _iot_v1_WindowCount, WindowCount__Output as _iot_v1_WindowCount__Output } from './iot/v1/WindowCount.ts';
import type { WindowCountEvent as _iot_v1_WindowCountEvent, WindowCountEvent__Output as _iot_v1_WindowCountEvent__Output } from './iot/v1/WindowCountEvent.ts';

type SubtypeConstructor<Constructor extends new (...args: any) => any, Subtype> = {
  new(...args: ConstructorParameters<Constructor>): Subtype;
};

export interface ProtoGrpcType {
  iot: {
    v1: {
      AckAlertRequest: MessageTypeDefinition<_iot_v1_AckAlertRequest, _iot_v1_AckAlertRequest__Output>
      AckAlertResponse: MessageTypeDefinition<_iot_v1_AckAlertResponse, _iot_v1_AckAlertResponse__Output>
      Alert: MessageTypeDefinition<_iot_v1_Alert, _iot_v1_Alert__Output>
      AlertEvent: MessageTypeDefinition<_iot_v1_AlertEvent, _iot_v1_AlertEvent__Output>
      AlertRemoved: MessageTypeDefinition<_iot_v1_AlertRemoved, _iot_v1_AlertRemoved__Output>
      AlertRule: EnumTypeDefinition
      AlertSeverity: EnumTypeDefinition
      AlertState: EnumTypeDefinition
      GetWindowCountsRequest: MessageTypeDefinition<_iot_v1_GetWindowCountsRequest, _iot_v1_GetWindowCountsRequest__Output>
      GetWindowCountsResponse: MessageTypeDefinition<_iot_v1_GetWindowCountsResponse, _iot_v1_GetWindowCountsResponse__Output>
      Heartbeat: MessageTypeDefinition<_iot_v1_Heartbeat, _iot_v1_Heartbeat__Output>
      IngestReadingsRequest: MessageTypeDefinition<_iot_v1_IngestReadingsRequest, _iot_v1_IngestReadingsRequest__Output>
      IngestReadingsResponse: MessageTypeDefinition<_iot_v1_IngestReadingsResponse, _iot_v1_IngestReadingsResponse__Output>
      IngestRejection: MessageTypeDefinition<_iot_v1_IngestRejection, _iot_v1_IngestRejection__Output>
      ListSensorsRequest: MessageTypeDefinition<_iot_v1_ListSensorsRequest, _iot_v1_ListSensorsRequest__Output>
      ListSensorsResponse: MessageTypeDefinition<_iot_v1_ListSensorsResponse, _iot_v1_ListSensorsResponse__Output>
      /**
       * Live views of the pipeline's results, history, and device ingest.
       */
      PipelineService: SubtypeConstructor<typeof grpc.Client, _iot_v1_PipelineServiceClient> & { service: _iot_v1_PipelineServiceDefinition }
      ReadingEvent: MessageTypeDefinition<_iot_v1_ReadingEvent, _iot_v1_ReadingEvent__Output>
      Sensor: MessageTypeDefinition<_iot_v1_Sensor, _iot_v1_Sensor__Output>
      SensorReading: MessageTypeDefinition<_iot_v1_SensorReading, _iot_v1_SensorReading__Output>
      SnapshotComplete: MessageTypeDefinition<_iot_v1_SnapshotComplete, _iot_v1_SnapshotComplete__Output>
      StreamAlertsRequest: MessageTypeDefinition<_iot_v1_StreamAlertsRequest, _iot_v1_StreamAlertsRequest__Output>
      StreamPosition: MessageTypeDefinition<_iot_v1_StreamPosition, _iot_v1_StreamPosition__Output>
      StreamReadingsRequest: MessageTypeDefinition<_iot_v1_StreamReadingsRequest, _iot_v1_StreamReadingsRequest__Output>
      StreamWindowCountsRequest: MessageTypeDefinition<_iot_v1_StreamWindowCountsRequest, _iot_v1_StreamWindowCountsRequest__Output>
      WindowCount: MessageTypeDefinition<_iot_v1_WindowCount, _iot_v1_WindowCount__Output>
      WindowCountEvent: MessageTypeDefinition<_iot_v1_WindowCountEvent, _iot_v1_WindowCountEvent__Output>
    }
  }
}

