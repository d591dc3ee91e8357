// Original file: contracts/proto/iot/v1/pipeline.proto

import type { SensorReading as _iot_v1_SensorReading, SensorReading__Output as _iot_v1_SensorReading__Output } from '../../iot/v1/SensorReading.ts';

export interface IngestReadingsRequest {
  'reading'?: (_iot_v1_SensorReading | null);
}

export interface IngestReadingsRequest__Output {
  'reading': (_iot_v1_SensorReading__Output | null);
}
