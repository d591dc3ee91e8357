package dev.iotpipeline.bench;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;

/**
 * The output records in the contract's Avro schemas (contracts/avro, copied into the jar by the
 * build): WindowCountKey/WindowCount for window counts, AlertKey/Alert for alerts.
 */
final class ContractRecords {
  static final Schema WINDOW_COUNT_KEY = load("window-count-key.avsc");
  static final Schema WINDOW_COUNT = load("window-count.avsc");
  static final Schema ALERT_KEY = load("alert-key.avsc");
  static final Schema ALERT = load("alert.avsc");
  private static final Schema RULE = ALERT.getField("rule").schema();
  private static final Schema SEVERITY = ALERT.getField("severity").schema();
  private static final Schema STATE = ALERT.getField("state").schema();

  private ContractRecords() {}

  private static Schema load(String name) {
    try (InputStream in = ContractRecords.class.getResourceAsStream("/avro/" + name)) {
      if (in == null) throw new IllegalStateException("schema " + name + " is not in the jar (built without contracts/avro?)");
      return new Schema.Parser().parse(new String(in.readAllBytes(), StandardCharsets.UTF_8));
    } catch (IOException error) {
      throw new UncheckedIOException(error);
    }
  }

  static GenericRecord windowKey(String sensorId, long windowStart) {
    GenericRecord key = new GenericData.Record(WINDOW_COUNT_KEY);
    key.put("sensorId", sensorId);
    key.put("windowStart", windowStart);
    return key;
  }

  /** A closed window: the suppressed aggregation emits finals only. */
  static GenericRecord finalWindow(String sensorId, long windowStart, long windowEnd, WindowStats stats) {
    GenericRecord value = new GenericData.Record(WINDOW_COUNT);
    value.put("sensorId", sensorId);
    value.put("windowStart", windowStart);
    value.put("windowEnd", windowEnd);
    value.put("count", stats.count);
    value.put("min", stats.min);
    value.put("max", stats.max);
    value.put("sum", stats.sum);
    value.put("mean", stats.mean());
    value.put("firstEventTime", stats.firstEventTime);
    value.put("lastEventTime", stats.lastEventTime);
    value.put("final", true);
    return value;
  }

  static GenericRecord alertKey(String sensorId, String rule) {
    GenericRecord key = new GenericData.Record(ALERT_KEY);
    key.put("sensorId", sensorId);
    key.put("rule", rule);
    return key;
  }

  static GenericRecord alert(RangeAlert.Alert alert) {
    GenericRecord value = new GenericData.Record(ALERT);
    value.put("alertId", alert.alertId);
    value.put("sensorId", alert.sensorId);
    value.put("sensorType", alert.sensorType);
    value.put("siteId", alert.siteId);
    value.put("rule", new GenericData.EnumSymbol(RULE, "RANGE"));
    value.put("severity", new GenericData.EnumSymbol(SEVERITY, alert.severity));
    value.put("state", new GenericData.EnumSymbol(STATE, alert.state));
    value.put("triggerValue", alert.triggerValue);
    value.put("peakValue", alert.peakValue);
    value.put("threshold", alert.threshold);
    value.put("openedAt", alert.openedAt);
    value.put("lastSeenAt", alert.lastSeenAt);
    value.put("clearedAt", alert.clearedAt);
    value.put("acknowledgedAt", null);
    value.put("acknowledgedBy", null);
    value.put("message", alert.message);
    return value;
  }
}
