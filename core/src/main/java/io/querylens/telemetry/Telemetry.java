package io.querylens.telemetry;

import io.querylens.endpoint.EndpointSummary;
import io.querylens.internal.Diagnostics;
import io.querylens.pool.TrackedPool;
import io.querylens.record.Recorder;
import io.querylens.report.Reporter;
import io.querylens.sql.ShapeRegistry;
import io.querylens.sql.SqlAnalyzer;
import io.querylens.sql.StatementShape;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * Reads querylens' figures for dashboards, computed from what querylens keeps anyway (per-shape statistics, pools,
 * endpoints, problems) when they are read, never on the application's threads: meters and MBeans cost nothing per
 * statement. A reading is reused for a second, so that a scrape of many meters computes it once.
 */
public final class Telemetry {

  /** Distinct table tags; statements on further tables count as {@code other}. */
  public static final int MAX_TABLES = 100;
  /** Endpoints with meters of their own, the ones with the most database time. */
  public static final int MAX_ENDPOINTS = 100;
  private static final long REUSE_NANOS = TimeUnit.SECONDS.toNanos(1);

  private final Recorder recorder;
  private final ShapeRegistry shapes;
  private final SqlAnalyzer analyzer;
  private final Supplier<List<Reporter.Problem>> problems;
  private TelemetrySnapshot last;
  private long lastNanos;

  public Telemetry(Recorder recorder, ShapeRegistry shapes, SqlAnalyzer analyzer,
      Supplier<List<Reporter.Problem>> problems) {
    this.recorder = recorder;
    this.shapes = shapes;
    this.analyzer = analyzer;
    this.problems = problems;
  }

  /** The figures now (at most a second old). */
  public synchronized TelemetrySnapshot current() {
    long now = System.nanoTime();
    if (last == null || now - lastNanos >= REUSE_NANOS) {
      last = read();
      lastNanos = now;
    }
    return last;
  }

  /** Makes the next {@link #current()} read the figures afresh (a flush: what was just run must show). */
  public synchronized void forget() {
    last = null;
  }

  private TelemetrySnapshot read() {
    Map<String, long[]> byGroup = new TreeMap<>();
    Map<String, Boolean> tables = new LinkedHashMap<>();
    long nanos = 0;
    for (StatementShape shape : shapes.shapesWithPlaceholders()) {
      long executions = shape.stats().executions();
      if (executions == 0) {
        continue;
      }
      long shapeNanos = shape.stats().totalNanos();
      nanos += shapeNanos;
      String kind = shape.kind().name().toLowerCase(Locale.ROOT);
      List<String> touched = shape.isPlaceholder() ? List.of("other") : shape.structure(analyzer).tables();
      if (touched.isEmpty()) {
        touched = List.of("none");
      }
      for (String table : touched) {
        String tag = table;
        if (!tables.containsKey(tag)) {
          if (tables.size() >= MAX_TABLES) {
            tag = "other";
          } else {
            tables.put(tag, Boolean.TRUE);
          }
        }
        long[] group = byGroup.computeIfAbsent(kind + '\u0000' + tag, key -> new long[2]);
        group[0] += executions;
        group[1] += shapeNanos;
      }
    }
    List<TelemetrySnapshot.StatementGroup> groups = new ArrayList<>(byGroup.size());
    byGroup.forEach((key, figures) -> {
      int split = key.indexOf('\u0000');
      groups.add(new TelemetrySnapshot.StatementGroup(key.substring(0, split), key.substring(split + 1), figures[0],
          figures[1]));
    });
    Map<String, Long> findings = new TreeMap<>();
    problems.get().forEach(problem -> findings.merge(problem.finding().type().name(), 1L, Long::sum));
    List<TelemetrySnapshot.PoolFigures> pools = new ArrayList<>();
    for (TrackedPool pool : recorder.connections().pools()) {
      long waitMax = pool.longestWaitNanos();
      pools.add(new TelemetrySnapshot.PoolFigures(pool.name(), pool.inUse(), pool.acquiring(), pool.acquisitions(),
          pool.timeouts(), pool.waits().valueAt(0.95, waitMax), waitMax));
    }
    List<EndpointSummary> endpoints = recorder.endpoints().summaries();
    if (endpoints.size() > MAX_ENDPOINTS) {
      endpoints = List.copyOf(endpoints.subList(0, MAX_ENDPOINTS));
    }
    return new TelemetrySnapshot(recorder.statementCount(), nanos, groups, findings, pools, endpoints,
        Diagnostics.totalErrors());
  }
}
