package dev.iotpipeline.bench;

import java.nio.ByteBuffer;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.Serializer;

/**
 * The aggregate of one sensor's readings in one window, folded in the order the readings arrive
 * (offset order within a partition), as stream-processor/src/minute-window.ts folds them: the
 * same additions in the same order give the same sum, to the last bit.
 */
public final class WindowStats {
  long count;
  double min = Double.POSITIVE_INFINITY;
  double max = Double.NEGATIVE_INFINITY;
  double sum;
  long firstEventTime = Long.MAX_VALUE;
  long lastEventTime = Long.MIN_VALUE;

  static WindowStats empty() {
    return new WindowStats();
  }

  /** Adds one reading; the aggregate handed in is a fresh copy from the store, so it is changed in place. */
  WindowStats add(double value, long timestamp) {
    if (count == 0) {
      min = value;
      max = value;
      sum = value;
    } else {
      min = Math.min(min, value);
      max = Math.max(max, value);
      sum += value;
    }
    count += 1;
    firstEventTime = Math.min(firstEventTime, timestamp);
    lastEventTime = Math.max(lastEventTime, timestamp);
    return this;
  }

  double mean() {
    return sum / count;
  }

  private static final int SIZE = 8 * 6;

  static Serde<WindowStats> serde() {
    Serializer<WindowStats> serializer = (topic, stats) -> stats == null ? null
        : ByteBuffer.allocate(SIZE).putLong(stats.count).putDouble(stats.min).putDouble(stats.max).putDouble(stats.sum)
            .putLong(stats.firstEventTime).putLong(stats.lastEventTime).array();
    Deserializer<WindowStats> deserializer = (topic, data) -> {
      if (data == null) return null;
      ByteBuffer buffer = ByteBuffer.wrap(data);
      WindowStats stats = new WindowStats();
      stats.count = buffer.getLong();
      stats.min = buffer.getDouble();
      stats.max = buffer.getDouble();
      stats.sum = buffer.getDouble();
      stats.firstEventTime = buffer.getLong();
      stats.lastEventTime = buffer.getLong();
      return stats;
    };
    return Serdes.serdeFrom(serializer, deserializer);
  }
}
