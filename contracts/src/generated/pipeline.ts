import type * as grpc from '@grpc/grpc-js';
import type { EnumTypeDefinition, MessageTypeDefinition } from '@grpc/proto-loader';

import type { AckAlertRequest as _iot_v1_AckAlertRequest, AckAlertRequest__Output as _iot_v1_AckAlertRequest__Output } from './iot/v1/AckAlertRequest.ts';
import type { AckAlertResponse as _iot_v1_AckAlertResponse, AckAlertResponse__Output as _iot_v1_AckAlertResponse__Output } from './iot/v1/AckAlertResponse.ts';
import type { Alert as _iot_v1_Alert, Alert__Output as _iot_v1_Alert__Output } from './iot/v1/Alert.ts';
import type { AlertEvent as _iot_v1_AlertEvent, AlertEvent__Output as _iot_v1_AlertEvent__Output } from './iot/v1/AlertEvent.ts';
import type { AlertRemoved as _iot_v1_AlertRemoved, AlertRemoved__Output as _iot_v1_AlertRemoved__Output } from './iot/v1/AlertRemoved.ts';
import type { BrokerHealth as _iot_v1_BrokerHealth, BrokerHealth__Output as _iot_v1_BrokerHealth__Output } from './iot/v1/BrokerHealth.ts';
import type { ConnectorHealth as _iot_v1_ConnectorHealth, ConnectorHealth__Output as _iot_v1_ConnectorHealth__Output } from './iot/v1/ConnectorHealth.ts';
import type { ConnectorTaskHealth as _iot_v1_ConnectorTaskHealth, ConnectorTaskHealth__Output as _iot_v1_ConnectorTaskHealth__Output } from './iot/v1/ConnectorTaskHealth.ts';
import type { ConsumerGroupMember as _iot_v1_ConsumerGroupMember, ConsumerGroupMember__Output as _iot_v1_ConsumerGroupMember__Output } from './iot/v1/ConsumerGroupMember.ts';
import type { GatewayFeed as _iot_v1_GatewayFeed, GatewayFeed__Output as _iot_v1_GatewayFeed__Output } from './iot/v1/GatewayFeed.ts';
import type { GatewayHealth as _iot_v1_GatewayHealth, GatewayHealth__Output as _iot_v1_GatewayHealth__Output } from './iot/v1/GatewayHealth.ts';
import type { GetPipelineHealthRequest as _iot_v1_GetPipelineHealthRequest, GetPipelineHealthRequest__Output as _iot_v1_GetPipelineHealthRequest__Output } from './iot/v1/GetPipelineHealthRequest.ts';
import type { GetPipelineHealthResponse as _iot_v1_GetPipelineHealthResponse, GetPipelineHealthResponse__Output as _iot_v1_GetPipelineHealthResponse__Output } from './iot/v1/GetPipelineHealthResponse.ts';
import type { GetWindowCountsRequest as _iot_v1_GetWindowCountsRequest, GetWindowCountsRequest__Output as _iot_v1_GetWindowCountsRequest__Output } from './iot/v1/GetWindowCountsRequest.ts';
import type { GetWindowCountsResponse as _iot_v1_GetWindowCountsResponse, GetWindowCountsResponse__Output as _iot_v1_GetWindowCountsResponse__Output } from './iot/v1/GetWindowCountsResponse.ts';
import type { Heartbeat as _iot_v1_Heartbeat, Heartbeat__Output as _iot_v1_Heartbeat__Output } from './iot/v1/Heartbeat.ts';
import type { IngestReadingsRequest as _iot_v1_IngestReadingsRequest, IngestReadingsRequest__Output as _iot_v1_IngestReadingsRequest__Output } from './iot/v1/IngestReadingsRequest.ts';
import type { IngestReadingsResponse as _iot_v1_IngestReadingsResponse, IngestReadingsResponse__Output as _iot_v1_IngestReadingsResponse__Output } from './iot/v1/IngestReadingsResponse.ts';
import type { IngestRejection as _iot_v1_IngestRejection, IngestRejection__Output as _iot_v1_IngestRejection__Output } from './iot/v1/IngestRejection.ts';
import type { KafkaBroker as _iot_v1_KafkaBroker, KafkaBroker__Output as _iot_v1_KafkaBroker__Output } from './iot/v1/KafkaBroker.ts';
import type { KafkaConnectHealth as _iot_v1_KafkaConnectHealth, KafkaConnectHealth__Output as _iot_v1_KafkaConnectHealth__Output } from './iot/v1/KafkaConnectHealth.ts';
import type { ListSensorsRequest as _iot_v1_ListSensorsRequest, ListSensorsRequest__Output as _iot_v1_ListSensorsRequest__Output } from './iot/v1/ListSensorsRequest.ts';
import type { ListSensorsResponse as _iot_v1_ListSensorsResponse, ListSensorsResponse__Output as _iot_v1_ListSensorsResponse__Output } from './iot/v1/ListSensorsResponse.ts';
import type { PartitionLag as _iot_v1_PartitionLag, PartitionLag__Output as _iot_v1_PartitionLag__Output } from './iot/v1/PartitionLag.ts';
import type { PipelineServiceClient as _iot_v1_PipelineServiceClient, PipelineServiceDefinition as _iot_v1_PipelineServiceDefinition } from './iot/v1/PipelineService.ts';
import type { ReadingEvent as _iot_v1_ReadingEvent, ReadingEvent__Output as _iot_v1_ReadingEvent__Output } from './iot/v1/ReadingEvent.ts';
import type { SchemaRegistryHealth as _iot_v1_SchemaRegistryHealth, SchemaRegistryHealth__Output as _iot_v1_SchemaRegistryHealth__Output } from './iot/v1/SchemaRegistryHealth.ts';
import type { Sensor as _iot_v1_Sensor, Sensor__Output as _iot_v1_Sensor__Output } from './iot/v1/Sensor.ts';
import type { SensorReading as _iot_v1_SensorReading, SensorReading__Output as _iot_v1_SensorReading__Output } from './iot/v1/SensorReading.ts';
import type { SnapshotComplete as _iot_v1_SnapshotComplete, SnapshotComplete__Output as _iot_v1_SnapshotComplete__Output } from './iot/v1/SnapshotComplete.ts';
import type { StreamAlertsRequest as _iot_v1_StreamAlertsRequest, StreamAlertsRequest__Output as _iot_v1_StreamAlertsRequest__Output } from './iot/v1/StreamAlertsRequest.ts';
import type { StreamPosition as _iot_v1_StreamPosition, StreamPosition__Output as _iot_v1_StreamPosition__Output } from './iot/v1/StreamPosition.ts';
import type { StreamProcessorHealth as _iot_v1_StreamProcessorHealth, StreamProcessorHealth__Output as _iot_v1_StreamProcessorHealth__Output } from './iot/v1/StreamProcessorHealth.ts';
import type { StreamReadingsRequest as _iot_v1_StreamReadingsRequest, StreamReadingsRequest__Output as _iot_v1_StreamReadingsRequest__Output } from './iot/v1/StreamReadingsRequest.ts';
import type { StreamWindowCountsRequest as _iot_v1_StreamWindowCountsRequest, StreamWindowCountsRequest__Output as _iot_v1_StreamWindowCountsRequest__Output } from './iot/v1/StreamWindowCountsRequest.ts';
import type { TopicFreshness as _iot_v1_TopicFreshness, TopicFreshness__Output as _iot_v1_TopicFreshness__Output } from './iot/v1/TopicFreshness.ts';
import type { TopicLag as _iot_v1_TopicLag, TopicLag__Output as _iot_v1_TopicLag__Output } from './iot/v1/TopicLag.ts';
import type { TopicPartitions as _iot_v1_TopicPartitions, TopicPartitions__Output as _iot_v1_TopicPartitions__Output } from './iot/v1/TopicPartitions.ts';
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
      BrokerHealth: MessageTypeDefinition<_iot_v1_BrokerHealth, _iot_v1_BrokerHealth__Output>
      ConnectorHealth: MessageTypeDefinition<_iot_v1_ConnectorHealth, _iot_v1_ConnectorHealth__Output>
      ConnectorState: EnumTypeDefinition
      ConnectorTaskHealth: MessageTypeDefinition<_iot_v1_ConnectorTaskHealth, _iot_v1_ConnectorTaskHealth__Output>
      ConsumerGroupMember: MessageTypeDefinition<_iot_v1_ConsumerGroupMember, _iot_v1_ConsumerGroupMember__Output>
      ConsumerGroupState: EnumTypeDefinition
      GatewayFeed: MessageTypeDefinition<_iot_v1_GatewayFeed, _iot_v1_GatewayFeed__Output>
      GatewayHealth: MessageTypeDefinition<_iot_v1_GatewayHealth, _iot_v1_GatewayHealth__Output>
      GetPipelineHealthRequest: MessageTypeDefinition<_iot_v1_GetPipelineHealthRequest, _iot_v1_GetPipelineHealthRequest__Output>
      GetPipelineHealthResponse: MessageTypeDefinition<_iot_v1_GetPipelineHealthResponse, _iot_v1_GetPipelineHealthResponse__Output>
      GetWindowCountsRequest: MessageTypeDefinition<_iot_v1_GetWindowCountsRequest, _iot_v1_GetWindowCountsRequest__Output>
      GetWindowCountsResponse: MessageTypeDefinition<_iot_v1_GetWindowCountsResponse, _iot_v1_GetWindowCountsResponse__Output>
      HealthStatus: EnumTypeDefinition
      Heartbeat: MessageTypeDefinition<_iot_v1_Heartbeat, _iot_v1_Heartbeat__Output>
      IngestReadingsRequest: MessageTypeDefinition<_iot_v1_IngestReadingsRequest, _iot_v1_IngestReadingsRequest__Output>
      IngestReadingsResponse: MessageTypeDefinition<_iot_v1_IngestReadingsResponse, _iot_v1_IngestReadingsResponse__Output>
      IngestRejection: MessageTypeDefinition<_iot_v1_IngestRejection, _iot_v1_IngestRejection__Output>
      KafkaBroker: MessageTypeDefinition<_iot_v1_KafkaBroker, _iot_v1_KafkaBroker__Output>
      KafkaConnectHealth: MessageTypeDefinition<_iot_v1_KafkaConnectHealth, _iot_v1_KafkaConnectHealth__Output>
      ListSensorsRequest: MessageTypeDefinition<_iot_v1_ListSensorsRequest, _iot_v1_ListSensorsRequest__Output>
      ListSensorsResponse: MessageTypeDefinition<_iot_v1_ListSensorsResponse, _iot_v1_ListSensorsResponse__Output>
      PartitionLag: MessageTypeDefinition<_iot_v1_PartitionLag, _iot_v1_PartitionLag__Output>
      /**
       * Live views of the pipeline's results, history, and device ingest.
       */
      PipelineService: SubtypeConstructor<typeof grpc.Client, _iot_v1_PipelineServiceClient> & { service: _iot_v1_PipelineServiceDefinition }
      ReadingEvent: MessageTypeDefinition<_iot_v1_ReadingEvent, _iot_v1_ReadingEvent__Output>
      SchemaRegistryHealth: MessageTypeDefinition<_iot_v1_SchemaRegistryHealth, _iot_v1_SchemaRegistryHealth__Output>
      Sensor: MessageTypeDefinition<_iot_v1_Sensor, _iot_v1_Sensor__Output>
      SensorReading: MessageTypeDefinition<_iot_v1_SensorReading, _iot_v1_SensorReading__Output>
      SnapshotComplete: MessageTypeDefinition<_iot_v1_SnapshotComplete, _iot_v1_SnapshotComplete__Output>
      StreamAlertsRequest: MessageTypeDefinition<_iot_v1_StreamAlertsRequest, _iot_v1_StreamAlertsRequest__Output>
      StreamPosition: MessageTypeDefinition<_iot_v1_StreamPosition, _iot_v1_StreamPosition__Output>
      StreamProcessorHealth: MessageTypeDefinition<_iot_v1_StreamProcessorHealth, _iot_v1_StreamProcessorHealth__Output>
      StreamReadingsRequest: MessageTypeDefinition<_iot_v1_StreamReadingsRequest, _iot_v1_StreamReadingsRequest__Output>
      StreamWindowCountsRequest: MessageTypeDefinition<_iot_v1_StreamWindowCountsRequest, _iot_v1_StreamWindowCountsRequest__Output>
      TopicFreshness: MessageTypeDefinition<_iot_v1_TopicFreshness, _iot_v1_TopicFreshness__Output>
      TopicLag: MessageTypeDefinition<_iot_v1_TopicLag, _iot_v1_TopicLag__Output>
      TopicPartitions: MessageTypeDefinition<_iot_v1_TopicPartitions, _iot_v1_TopicPartitions__Output>
      WindowCount: MessageTypeDefinition<_iot_v1_WindowCount, _iot_v1_WindowCount__Output>
      WindowCountEvent: MessageTypeDefinition<_iot_v1_WindowCountEvent, _iot_v1_WindowCountEvent__Output>
    }
  }
}

