package dev.iotpipeline.bench;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.Serializer;

/**
 * The RANGE rule of the TypeScript processor, ported: the signal of stream-processor/src/detectors.ts
 * (rangeSignal) and the lifecycle of alert-lifecycle.ts (observe). Only what readings drive is
 * here: acknowledgements, the wall-clock refresh of a held-back update and the tombstone of an
 * expired cleared alert are not (the benchmark has no acks, and both run for minutes, not hours).
 */
final class RangeAlert {
  private RangeAlert() {}

  enum Kind { BREACH, NORMAL, HOLD }

  record Signal(Kind kind, double value, double threshold, double excess, String severity, String message) {
    static final Signal NORMAL = new Signal(Kind.NORMAL, 0, 0, 0, null, null);
    static final Signal HOLD = new Signal(Kind.HOLD, 0, 0, 0, null, null);
  }

  /** The alert's current state, the fields of the contract's Alert record. */
  static final class Alert {
    String alertId;
    String sensorId;
    String sensorType;
    String siteId;
    String severity;
    String state;
    double triggerValue;
    double peakValue;
    double threshold;
    long openedAt;
    long lastSeenAt;
    Long clearedAt;
    String message;

    Alert copy() {
      Alert copy = new Alert();
      copy.alertId = alertId;
      copy.sensorId = sensorId;
      copy.sensorType = sensorType;
      copy.siteId = siteId;
      copy.severity = severity;
      copy.state = state;
      copy.triggerValue = triggerValue;
      copy.peakValue = peakValue;
      copy.threshold = threshold;
      copy.openedAt = openedAt;
      copy.lastSeenAt = lastSeenAt;
      copy.clearedAt = clearedAt;
      copy.message = message;
      return copy;
    }

    boolean active() {
      return !"CLEARED".equals(state);
    }
  }

  /** One sensor's RANGE lifecycle (LifecycleState in alert-lifecycle.ts); kept in the state store. */
  static final class State {
    int breachStreak;
    int normalStreak;
    Alert alert;
    double peakExcess;
    long lastEmittedAt;
    boolean unemitted;
  }

  /** rangeSignal: outside [min, max] breaches; back to normal only inside the band narrowed by the hysteresis. */
  static Signal signal(double value, RangeRules.Band band, RangeRules rules, String unit) {
    double span = band.max() - band.min();
    if (value > band.max() || value < band.min()) {
      boolean above = value > band.max();
      double threshold = above ? band.max() : band.min();
      double excess = Math.abs(value - threshold) / span;
      String message = "value " + jsNumber(Math.round(value * 1000) / 1000.0) + " " + unit + " is "
          + (above ? "above the maximum " : "below the minimum ") + jsNumber(threshold) + " " + unit;
      return new Signal(Kind.BREACH, value, threshold, excess, excess > rules.criticalBeyond() ? "CRITICAL" : "WARNING", message);
    }
    double margin = span * rules.hysteresis();
    return value >= band.min() + margin && value <= band.max() - margin ? Signal.NORMAL : Signal.HOLD;
  }

  /** observe: OPEN after raiseAfter breaches in a row, CLEARED after clearAfter normal signals in a row; the record to emit, if any. */
  static Alert observe(State state, Signal signal, long at, Reading reading, RangeRules rules) {
    switch (signal.kind()) {
      case HOLD -> {
        state.breachStreak = 0;
        state.normalStreak = 0;
        return null;
      }
      case NORMAL -> {
        state.breachStreak = 0;
        state.normalStreak += 1;
        if (state.alert != null && state.alert.active() && state.normalStreak >= rules.clearAfter()) {
          Alert cleared = state.alert.copy();
          cleared.state = "CLEARED";
          cleared.clearedAt = at;
          cleared.message = "cleared: " + state.alert.message;
          state.alert = cleared;
          return emitted(state, at);
        }
        return null;
      }
      default -> {
        state.normalStreak = 0;
        state.breachStreak += 1;
        Alert alert = state.alert;
        if (alert != null && alert.active()) {
          alert.lastSeenAt = Math.max(alert.lastSeenAt, at);
          if (signal.excess() > state.peakExcess) {
            state.peakExcess = signal.excess();
            alert.peakValue = signal.value();
            if ("CRITICAL".equals(signal.severity())) alert.severity = "CRITICAL";
          }
          state.unemitted = true;
          return at - state.lastEmittedAt >= rules.refreshIntervalMs() ? emitted(state, at) : null;
        }
        if (state.breachStreak < rules.raiseAfter()) return null;
        state.peakExcess = signal.excess();
        Alert opened = new Alert();
        opened.alertId = reading.sensorId() + "/RANGE/" + at;
        opened.sensorId = reading.sensorId();
        opened.sensorType = reading.sensorType();
        opened.siteId = reading.siteId();
        opened.severity = signal.severity();
        opened.state = "OPEN";
        opened.triggerValue = signal.value();
        opened.peakValue = signal.value();
        opened.threshold = signal.threshold();
        opened.openedAt = at;
        opened.lastSeenAt = at;
        opened.clearedAt = null;
        opened.message = signal.message();
        state.alert = opened;
        return emitted(state, at);
      }
    }
  }

  private static Alert emitted(State state, long at) {
    state.lastEmittedAt = at;
    state.unemitted = false;
    return state.alert.copy();
  }

  /** A number as JavaScript's template literals print it, for the common cases (integers without ".0"). */
  static String jsNumber(double value) {
    if (value == Math.rint(value) && Math.abs(value) < 1e15) return Long.toString((long) value);
    return Double.toString(value);
  }

  static Serde<State> serde() {
    Serializer<State> serializer = (topic, state) -> {
      if (state == null) return null;
      ByteArrayOutputStream bytes = new ByteArrayOutputStream(128);
      try (DataOutputStream out = new DataOutputStream(bytes)) {
        out.writeInt(state.breachStreak);
        out.writeInt(state.normalStreak);
        out.writeDouble(state.peakExcess);
        out.writeLong(state.lastEmittedAt);
        out.writeBoolean(state.unemitted);
        Alert alert = state.alert;
        out.writeBoolean(alert != null);
        if (alert != null) {
          out.writeUTF(alert.alertId);
          out.writeUTF(alert.sensorId);
          out.writeUTF(alert.sensorType);
          out.writeUTF(alert.siteId);
          out.writeUTF(alert.severity);
          out.writeUTF(alert.state);
          out.writeDouble(alert.triggerValue);
          out.writeDouble(alert.peakValue);
          out.writeDouble(alert.threshold);
          out.writeLong(alert.openedAt);
          out.writeLong(alert.lastSeenAt);
          out.writeBoolean(alert.clearedAt != null);
          if (alert.clearedAt != null) out.writeLong(alert.clearedAt);
          out.writeUTF(alert.message);
        }
      } catch (IOException error) {
        throw new UncheckedIOException(error);
      }
      return bytes.toByteArray();
    };
    Deserializer<State> deserializer = (topic, data) -> {
      if (data == null) return null;
      try (DataInputStream in = new DataInputStream(new java.io.ByteArrayInputStream(data))) {
        State state = new State();
        state.breachStreak = in.readInt();
        state.normalStreak = in.readInt();
        state.peakExcess = in.readDouble();
        state.lastEmittedAt = in.readLong();
        state.unemitted = in.readBoolean();
        if (in.readBoolean()) {
          Alert alert = new Alert();
          alert.alertId = in.readUTF();
          alert.sensorId = in.readUTF();
          alert.sensorType = in.readUTF();
          alert.siteId = in.readUTF();
          alert.severity = in.readUTF();
          alert.state = in.readUTF();
          alert.triggerValue = in.readDouble();
          alert.peakValue = in.readDouble();
          alert.threshold = in.readDouble();
          alert.openedAt = in.readLong();
          alert.lastSeenAt = in.readLong();
          alert.clearedAt = in.readBoolean() ? in.readLong() : null;
          alert.message = in.readUTF();
          state.alert = alert;
        }
        return state;
      } catch (IOException error) {
        throw new UncheckedIOException(error);
      }
    };
    return Serdes.serdeFrom(serializer, deserializer);
  }
}
