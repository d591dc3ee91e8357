package dev.iotpipeline.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;

/**
 * The RANGE detector's rules, as the TypeScript processor has them (DEFAULT_ALERT_RULES in
 * contracts/src/alert-defaults.ts): the wrapper writes them to a JSON file, so both sides judge
 * by one set of numbers.
 *
 * <pre>{"raiseAfter":3,"clearAfter":3,"hysteresis":0.02,"criticalBeyond":0.1,"refreshIntervalMs":5000,
 *  "types":{"temperature":{"min":-10,"max":45}, ...}}</pre>
 */
public record RangeRules(int raiseAfter, int clearAfter, double hysteresis, double criticalBeyond, long refreshIntervalMs, Map<String, Band> types) {

  /** One sensor type's normal band. */
  public record Band(double min, double max) {}

  static RangeRules read(Path file) throws IOException {
    JsonNode root = new ObjectMapper().readTree(Files.readString(file));
    Map<String, Band> types = new HashMap<>();
    for (Iterator<Map.Entry<String, JsonNode>> it = root.required("types").fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> entry = it.next();
      types.put(entry.getKey(), new Band(entry.getValue().required("min").asDouble(), entry.getValue().required("max").asDouble()));
    }
    return new RangeRules(
        root.required("raiseAfter").asInt(),
        root.required("clearAfter").asInt(),
        root.required("hysteresis").asDouble(),
        root.required("criticalBeyond").asDouble(),
        root.required("refreshIntervalMs").asLong(),
        Map.copyOf(types));
  }
}
