package dev.iotpipeline.bench;

import java.util.concurrent.atomic.AtomicLong;
import org.apache.avro.generic.GenericRecord;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * RANGE alerts per sensor, judged by its type's band (the static defaults: the benchmark's
 * sensors are in no device registry, so the TypeScript processor judges them by the same bands).
 * A reading later than its window's end + grace is skipped, as the TypeScript processor sends it
 * to the late topic before the detectors see it. A sensor whose RANGE rule never breached has no
 * state, as there.
 */
final class RangeAlertProcessor implements Processor<String, Reading, GenericRecord, GenericRecord> {
  static final String STORE = "range-alert-state";
  private static final long WINDOW_MS = 60_000;

  private final RangeRules rules;
  private final long graceMs;
  private final AtomicLong alertsEmitted;
  private ProcessorContext<GenericRecord, GenericRecord> context;
  private KeyValueStore<String, RangeAlert.State> store;

  RangeAlertProcessor(RangeRules rules, long graceMs, AtomicLong alertsEmitted) {
    this.rules = rules;
    this.graceMs = graceMs;
    this.alertsEmitted = alertsEmitted;
  }

  @Override
  public void init(ProcessorContext<GenericRecord, GenericRecord> context) {
    this.context = context;
    this.store = context.getStateStore(STORE);
  }

  @Override
  public void process(Record<String, Reading> record) {
    Reading reading = record.value();
    long windowStart = Math.floorDiv(reading.timestamp(), WINDOW_MS) * WINDOW_MS;
    // The task's stream time already includes this record, as the TypeScript windows' does.
    if (windowStart + WINDOW_MS + graceMs <= context.currentStreamTimeMs()) return;
    RangeRules.Band band = rules.types().get(reading.sensorType());
    if (band == null) return;
    RangeAlert.Signal signal = RangeAlert.signal(reading.value(), band, rules, reading.unit());
    RangeAlert.State state = store.get(reading.sensorId());
    if (state == null) {
      if (signal.kind() != RangeAlert.Kind.BREACH) return;
      state = new RangeAlert.State();
    }
    RangeAlert.Alert emitted = RangeAlert.observe(state, signal, reading.timestamp(), reading, rules);
    if (emitted != null) {
      alertsEmitted.incrementAndGet();
      context.forward(record.withKey(ContractRecords.alertKey(reading.sensorId(), "RANGE")).withValue(ContractRecords.alert(emitted)));
    }
    if (state.alert == null && state.breachStreak == 0) store.delete(reading.sensorId());
    else store.put(reading.sensorId(), state);
  }
}
