package dev.iotpipeline.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.apicurio.registry.serde.Legacy4ByteIdHandler;
import io.apicurio.registry.serde.SerdeConfig;
import io.apicurio.registry.serde.avro.AvroKafkaDeserializer;
import io.apicurio.registry.serde.avro.AvroKafkaSerializer;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import org.apache.avro.generic.GenericRecord;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ListOffsetsOptions;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.RemoveMembersFromConsumerGroupOptions;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Grouped;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Materialized;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.kstream.Suppressed;
import org.apache.kafka.streams.kstream.TimeWindows;
import org.apache.kafka.streams.processor.TimestampExtractor;
import org.apache.kafka.streams.state.Stores;
import org.apache.kafka.streams.state.WindowStore;
import org.apache.kafka.common.utils.Bytes;

/**
 * The Kafka Streams baseline: per-sensor one-minute tumbling windows (count, min, max, sum, mean)
 * by event time with a grace period, final windows only, and RANGE alerts against the types'
 * bands, with exactly_once_v2, from one input topic of SensorReading records (Confluent framing)
 * to the output topics given.
 *
 * <p>stdout carries one JSON object per line, an "event" each: "input" (the end offsets it will
 * wait for), "running", "caught-up" (the application's committed offsets reached those end
 * offsets: every reading is processed and everything it caused is committed), "closed"; "progress"
 * every 5 s meanwhile; or
 * "error" / "timeout". Logs go to stderr. The process exits by itself after "closed".
 */
public final class KafkaStreamsBaseline {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final long WINDOW_MS = 60_000;
  private static final long POLL_MS = 100;
  private static final long PROGRESS_EVERY_NS = 5_000_000_000L;

  private KafkaStreamsBaseline() {}

  public static void main(String[] args) throws Exception {
    Map<String, String> options = parseArgs(args);
    String bootstrap = required(options, "bootstrap");
    String registryUrl = required(options, "registry-url");
    String applicationId = required(options, "application-id");
    String inputTopic = required(options, "input");
    String windowTopic = required(options, "window-counts");
    String alertTopic = required(options, "alerts");
    RangeRules rules = RangeRules.read(Path.of(required(options, "rules")));
    long graceMs = Long.parseLong(options.getOrDefault("grace-ms", "10000"));
    int threads = Integer.parseInt(options.getOrDefault("threads", "1"));
    String store = options.getOrDefault("store", "memory");
    long timeoutMs = Long.parseLong(options.getOrDefault("timeout-s", "1200")) * 1000;
    Path stateDir = Path.of(options.getOrDefault("state-dir", Path.of(System.getProperty("java.io.tmpdir"), "iot-kafka-streams").toString()));
    if (!store.equals("memory") && !store.equals("rocksdb")) throw new IllegalArgumentException("--store: memory or rocksdb, got " + store);

    Counters counters = new Counters();
    Topology topology = topology(inputTopic, windowTopic, alertTopic, registryUrl, rules, graceMs, store, counters);

    Properties props = new Properties();
    props.put(StreamsConfig.APPLICATION_ID_CONFIG, applicationId);
    props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    props.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
    props.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, options.getOrDefault("commit-interval-ms", "100"));
    props.put(StreamsConfig.NUM_STREAM_THREADS_CONFIG, threads);
    props.put(StreamsConfig.REPLICATION_FACTOR_CONFIG, 1);
    props.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
    Files.createDirectories(stateDir);

    try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
      Map<TopicPartition, Long> ends = endOffsets(admin, inputTopic);
      Map<TopicPartition, Long> starts = offsets(admin, ends.keySet(), OffsetSpec.earliest());
      long records = ends.entrySet().stream().mapToLong(entry -> entry.getValue() - starts.get(entry.getKey())).sum();
      emit(event("input", "topic", inputTopic, "partitions", ends.size(), "records", records,
          "endOffsets", ends.entrySet().stream().collect(Collectors.toMap(entry -> String.valueOf(entry.getKey().partition()), Map.Entry::getValue))));

      KafkaStreams streams = new KafkaStreams(topology, props);
      AtomicLong runningAt = new AtomicLong();
      streams.setStateListener((next, previous) -> {
        if (next == KafkaStreams.State.RUNNING && runningAt.compareAndSet(0, System.nanoTime())) {
          emit(event("running", "threads", threads, "store", store));
        }
      });
      streams.setUncaughtExceptionHandler(error -> {
        emit(event("error", "message", String.valueOf(error), "cause", String.valueOf(error.getCause())));
        return StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse.SHUTDOWN_CLIENT;
      });
      Runtime.getRuntime().addShutdownHook(new Thread(() -> streams.close(Duration.ofSeconds(30))));

      long cpuBefore = processCpuNanos();
      long[] gcBefore = gc();
      long startedAt = System.nanoTime();
      long lastProgress = startedAt;
      streams.start();
      for (;;) {
        KafkaStreams.State state = streams.state();
        if (state == KafkaStreams.State.ERROR || state == KafkaStreams.State.PENDING_ERROR || state == KafkaStreams.State.NOT_RUNNING) {
          emit(event("error", "message", "Kafka Streams stopped: state " + state));
          System.exit(1);
        }
        if (System.nanoTime() - startedAt > timeoutMs * 1_000_000) {
          emit(event("timeout", "seconds", timeoutMs / 1000, "readingsProcessed", counters.readings.get()));
          streams.close(Duration.ofSeconds(10));
          System.exit(1);
        }
        if (reached(admin, applicationId, ends)) break;
        if (System.nanoTime() - lastProgress >= PROGRESS_EVERY_NS) {
          lastProgress = System.nanoTime();
          emit(event("progress", "seconds", (lastProgress - startedAt) / 1e9, "readingsProcessed", counters.readings.get(), "thread", threadMetrics(streams)));
        }
        Thread.sleep(POLL_MS);
      }
      long caughtUpAt = System.nanoTime();
      long cpu = processCpuNanos() - cpuBefore;
      long[] gcAfter = gc();
      double seconds = (caughtUpAt - startedAt) / 1e9;
      long firstRecordAt = counters.firstRecordAt.get();
      Map<String, Object> caughtUp = event("caught-up",
          "applicationId", applicationId,
          "inputRecords", records,
          "readingsProcessed", counters.readings.get(),
          "windowsEmitted", counters.windows.get(),
          "alertsEmitted", counters.alerts.get(),
          "seconds", seconds,
          "readingsPerSecond", records / seconds,
          "startupSeconds", firstRecordAt == 0 ? null : (firstRecordAt - startedAt) / 1e9,
          "runningAfterSeconds", runningAt.get() == 0 ? null : (runningAt.get() - startedAt) / 1e9,
          "processingReadingsPerSecond", firstRecordAt == 0 ? null : records / ((caughtUpAt - firstRecordAt) / 1e9),
          "jvmUptimeAtStartSeconds", (ManagementFactory.getRuntimeMXBean().getUptime() - (caughtUpAt - startedAt) / 1_000_000) / 1000.0,
          "cpuSeconds", cpu / 1e9,
          "cores", cpu / 1e9 / seconds,
          "gcSeconds", (gcAfter[1] - gcBefore[1]) / 1000.0,
          "gcCollections", gcAfter[0] - gcBefore[0],
          "rssPeakMiB", procStatusMiB("VmHWM"),
          "heapMaxMiB", Runtime.getRuntime().maxMemory() / 1048576,
          "thread", threadMetrics(streams));
      emit(caughtUp);
      long closeStarted = System.nanoTime();
      boolean closed = streams.close(Duration.ofSeconds(60));
      streams.cleanUp();
      // Kafka Streams' consumer does not leave its group on close (its member would linger for the
      // session timeout, and the group could not be deleted): remove it, as the reset tool's --force does.
      try {
        admin.removeMembersFromConsumerGroup(applicationId, new RemoveMembersFromConsumerGroupOptions()).all().get();
      } catch (Exception error) {
        emit(event("warning", "message", "could not remove the group's members: " + error));
      }
      emit(event("closed", "clean", closed, "closeSeconds", (System.nanoTime() - closeStarted) / 1e9));
      System.exit(closed ? 0 : 1);
    }
  }

  /** Counts for the completion line; with one stream thread and no failure each reading is counted once. */
  static final class Counters {
    final AtomicLong readings = new AtomicLong();
    final AtomicLong windows = new AtomicLong();
    final AtomicLong alerts = new AtomicLong();
    final AtomicLong firstRecordAt = new AtomicLong();
  }

  static Topology topology(String inputTopic, String windowTopic, String alertTopic, String registryUrl, RangeRules rules, long graceMs, String store, Counters counters) {
    StreamsBuilder builder = new StreamsBuilder();
    Serde<String> inputKey = Serdes.serdeFrom(new StringSerializer(), avroStringKey(registryUrl));
    Serde<GenericRecord> inputValue = avroSerde(registryUrl, false);

    // The input's key is kept (mapValues only), so nothing is repartitioned: one task per input
    // partition holds that partition's windows and alerts, as in the TypeScript processor.
    KStream<String, Reading> readings = builder
        .stream(inputTopic, Consumed.with(inputKey, inputValue).withTimestampExtractor(new EventTime()).withName("readings"))
        .mapValues(record -> {
          counters.firstRecordAt.compareAndSet(0, System.nanoTime());
          counters.readings.incrementAndGet();
          return Reading.of(record);
        }, Named.as("decode-reading"));

    Duration size = Duration.ofMillis(WINDOW_MS);
    Duration grace = Duration.ofMillis(graceMs);
    Materialized<String, WindowStats, WindowStore<Bytes, byte[]>> windowStore = store.equals("memory")
        ? Materialized.<String, WindowStats>as(Stores.inMemoryWindowStore("window-stats", size.plus(grace), size, false))
        : Materialized.<String, WindowStats, WindowStore<Bytes, byte[]>>as("window-stats");
    readings
        .groupByKey(Grouped.with("by-sensor", Serdes.String(), Reading.serde()))
        .windowedBy(TimeWindows.ofSizeAndGrace(size, grace))
        .aggregate(WindowStats::empty, (sensorId, reading, stats) -> stats.add(reading.value(), reading.timestamp()),
            Named.as("window-aggregate"), windowStore.withKeySerde(Serdes.String()).withValueSerde(WindowStats.serde()))
        .suppress(Suppressed.untilWindowCloses(Suppressed.BufferConfig.unbounded()).withName("final-windows"))
        .toStream(Named.as("closed-windows"))
        .map((window, stats) -> {
          counters.windows.incrementAndGet();
          String sensorId = window.key();
          long start = window.window().start();
          return KeyValue.pair(ContractRecords.windowKey(sensorId, start), ContractRecords.finalWindow(sensorId, start, window.window().end(), stats));
        }, Named.as("window-count-record"))
        .to(windowTopic, Produced.with(avroSerde(registryUrl, true), avroSerde(registryUrl, false)).withName("window-counts"));

    builder.addStateStore(Stores.keyValueStoreBuilder(
        store.equals("memory") ? Stores.inMemoryKeyValueStore(RangeAlertProcessor.STORE) : Stores.persistentKeyValueStore(RangeAlertProcessor.STORE),
        Serdes.String(), RangeAlert.serde()));
    readings
        .process(() -> new RangeAlertProcessor(rules, graceMs, counters.alerts), Named.as("range-alerts"), RangeAlertProcessor.STORE)
        .to(alertTopic, Produced.with(avroSerde(registryUrl, true), avroSerde(registryUrl, false)).withName("alerts"));
    return builder.build();
  }

  /** Event time: the reading's own timestamp field (what the TypeScript windows use), not the record's. */
  static final class EventTime implements TimestampExtractor {
    @Override
    public long extract(ConsumerRecord<Object, Object> record, long partitionTime) {
      return record.value() instanceof GenericRecord reading && reading.get("timestamp") instanceof Long timestamp ? timestamp : record.timestamp();
    }
  }

  /**
   * Apicurio's Avro serde in Confluent mode: magic byte 0 + the 4-byte content id (what the
   * registry's ccompat API hands out and our producers write), no headers; serializers register
   * their schema under the topic's subject (`<topic>-key` / `<topic>-value`).
   */
  static Map<String, Object> serdeConfig(String registryUrl, boolean isKey) {
    Map<String, Object> config = new HashMap<>();
    config.put(SerdeConfig.REGISTRY_URL, registryUrl);
    // What apicurio.registry.as-confluent=true selects (that flag also warns about the default id handler).
    config.put(SerdeConfig.ID_HANDLER, Legacy4ByteIdHandler.class.getName());
    config.put(SerdeConfig.USE_ID, "contentId");
    config.put(SerdeConfig.ENABLE_HEADERS, false);
    config.put(SerdeConfig.AUTO_REGISTER_ARTIFACT, true);
    config.put(SerdeConfig.IS_KEY, isKey);
    return config;
  }

  static Serde<GenericRecord> avroSerde(String registryUrl, boolean isKey) {
    AvroKafkaSerializer<GenericRecord> serializer = new AvroKafkaSerializer<>();
    AvroKafkaDeserializer<GenericRecord> deserializer = new AvroKafkaDeserializer<>();
    serializer.configure(serdeConfig(registryUrl, isKey), isKey);
    deserializer.configure(serdeConfig(registryUrl, isKey), isKey);
    return Serdes.serdeFrom(serializer, deserializer);
  }

  /** The readings' key: the Avro string sensorId, in the same framing. */
  static Deserializer<String> avroStringKey(String registryUrl) {
    AvroKafkaDeserializer<Object> avro = new AvroKafkaDeserializer<>();
    avro.configure(serdeConfig(registryUrl, true), true);
    return new Deserializer<>() {
      @Override
      public String deserialize(String topic, byte[] data) {
        Object key = avro.deserialize(topic, data);
        return key == null ? null : key.toString();
      }

      @Override
      public String deserialize(String topic, org.apache.kafka.common.header.Headers headers, byte[] data) {
        Object key = avro.deserialize(topic, headers, data);
        return key == null ? null : key.toString();
      }
    };
  }

  private static Map<TopicPartition, Long> endOffsets(Admin admin, String topic) throws Exception {
    List<TopicPartition> partitions = admin.describeTopics(List.of(topic)).allTopicNames().get().get(topic).partitions().stream()
        .map(info -> new TopicPartition(topic, info.partition())).toList();
    return offsets(admin, partitions, OffsetSpec.latest());
  }

  private static Map<TopicPartition, Long> offsets(Admin admin, java.util.Collection<TopicPartition> partitions, OffsetSpec spec) throws Exception {
    Map<TopicPartition, OffsetSpec> request = partitions.stream().collect(Collectors.toMap(partition -> partition, partition -> spec));
    return admin.listOffsets(request, new ListOffsetsOptions(IsolationLevel.READ_COMMITTED)).all().get().entrySet().stream()
        .collect(Collectors.toMap(Map.Entry::getKey, entry -> entry.getValue().offset()));
  }

  /** The group's committed offsets (committed inside the transactions) are at the end offsets of every input partition. */
  private static boolean reached(Admin admin, String groupId, Map<TopicPartition, Long> ends) throws Exception {
    Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(groupId).partitionsToOffsetAndMetadata().get();
    for (Map.Entry<TopicPartition, Long> end : ends.entrySet()) {
      if (end.getValue() == 0) continue;
      OffsetAndMetadata offset = committed.get(end.getKey());
      if (offset == null || offset.offset() < end.getValue()) return false;
    }
    return true;
  }

  /**
   * Where the stream threads spent their time (the ratios of KIP-444: process, commit, poll,
   * punctuate; averaged over the threads) and the commit latency: with exactly-once every commit
   * is a transaction, and the thread waits for it.
   */
  private static Map<String, Object> threadMetrics(KafkaStreams streams) {
    List<String> names = List.of("process-ratio", "commit-ratio", "poll-ratio", "punctuate-ratio", "commit-latency-avg", "commit-latency-max", "commit-total", "process-total", "poll-records-avg");
    Map<String, List<Double>> values = new LinkedHashMap<>();
    streams.metrics().forEach((name, metric) -> {
      if (name.group().equals("stream-thread-metrics") && names.contains(name.name()) && metric.metricValue() instanceof Number value && !Double.isNaN(value.doubleValue())) {
        values.computeIfAbsent(name.name(), key -> new java.util.ArrayList<>()).add(value.doubleValue());
      }
    });
    Map<String, Object> result = new LinkedHashMap<>();
    for (String name : names) {
      List<Double> list = values.get(name);
      if (list == null) continue;
      java.util.DoubleSummaryStatistics stats = list.stream().mapToDouble(Double::doubleValue).summaryStatistics();
      result.put(name, name.endsWith("-total") ? stats.getSum() : name.endsWith("-max") ? stats.getMax() : stats.getAverage());
    }
    return result;
  }

  private static long processCpuNanos() {
    return ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os ? os.getProcessCpuTime() : 0;
  }

  /** Collections and milliseconds spent, over all collectors. */
  private static long[] gc() {
    long count = 0;
    long millis = 0;
    for (GarbageCollectorMXBean bean : ManagementFactory.getGarbageCollectorMXBeans()) {
      count += Math.max(0, bean.getCollectionCount());
      millis += Math.max(0, bean.getCollectionTime());
    }
    return new long[] {count, millis};
  }

  private static Double procStatusMiB(String field) {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
        if (line.startsWith(field + ":")) return Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024.0;
      }
    } catch (Exception ignored) {
      // not Linux
    }
    return null;
  }

  static Map<String, Object> event(String name, Object... fields) {
    Map<String, Object> event = new LinkedHashMap<>();
    event.put("event", name);
    event.put("atMs", System.currentTimeMillis());
    for (int i = 0; i < fields.length; i += 2) event.put((String) fields[i], fields[i + 1]);
    return event;
  }

  static synchronized void emit(Map<String, Object> event) {
    try {
      System.out.println(JSON.writeValueAsString(event));
      System.out.flush();
    } catch (Exception error) {
      throw new IllegalStateException(error);
    }
  }

  private static Map<String, String> parseArgs(String[] args) {
    Map<String, String> options = new HashMap<>();
    for (int i = 0; i < args.length; i += 1) {
      if (!args[i].startsWith("--") || i + 1 >= args.length) throw new IllegalArgumentException("expected --name value pairs, got " + String.join(" ", args));
      options.put(args[i].substring(2), args[++i]);
    }
    return options;
  }

  private static String required(Map<String, String> options, String name) {
    String value = options.get(name);
    if (value == null || value.isEmpty()) throw new IllegalArgumentException("--" + name + " is required");
    return value;
  }
}
