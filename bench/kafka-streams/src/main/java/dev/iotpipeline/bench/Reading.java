package dev.iotpipeline.bench;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.apache.avro.generic.GenericRecord;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.Serializer;

/** One SensorReading, as decoded from its Avro record (timestamp: event time, epoch ms). */
public record Reading(String sensorId, String sensorType, String siteId, long timestamp, double value, String unit) {

  static Reading of(GenericRecord record) {
    return new Reading(
        record.get("sensorId").toString(),
        record.get("sensorType").toString(),
        record.get("siteId").toString(),
        (Long) record.get("timestamp"),
        (Double) record.get("value"),
        record.get("unit").toString());
  }

  /**
   * A compact binary serde. The topology keeps the input's key, so nothing is repartitioned and
   * this is never used on the wire; Kafka Streams still asks for a serde for the grouped stream.
   */
  static Serde<Reading> serde() {
    Serializer<Reading> serializer = (topic, reading) -> {
      if (reading == null) return null;
      byte[][] strings = {bytes(reading.sensorId), bytes(reading.sensorType), bytes(reading.siteId), bytes(reading.unit)};
      int size = 16;
      for (byte[] string : strings) size += 4 + string.length;
      ByteBuffer buffer = ByteBuffer.allocate(size);
      for (byte[] string : strings) buffer.putInt(string.length).put(string);
      buffer.putLong(reading.timestamp).putDouble(reading.value);
      return buffer.array();
    };
    Deserializer<Reading> deserializer = (topic, data) -> {
      if (data == null) return null;
      ByteBuffer buffer = ByteBuffer.wrap(data);
      String sensorId = string(buffer);
      String sensorType = string(buffer);
      String siteId = string(buffer);
      String unit = string(buffer);
      return new Reading(sensorId, sensorType, siteId, buffer.getLong(), buffer.getDouble(), unit);
    };
    return Serdes.serdeFrom(serializer, deserializer);
  }

  private static byte[] bytes(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }

  private static String string(ByteBuffer buffer) {
    byte[] bytes = new byte[buffer.getInt()];
    buffer.get(bytes);
    return new String(bytes, StandardCharsets.UTF_8);
  }
}
