package io.querylens.runtime;

import io.querylens.bootstrap.HookListener;
import io.querylens.bootstrap.Hooks;
import io.querylens.callsite.CallSiteResolver;
import io.querylens.capture.CaptureService;
import io.querylens.config.QueryLensConfig;
import io.querylens.config.Settings;
import io.querylens.detect.ChattyRequestDetector;
import io.querylens.detect.ConnectionLeakDetector;
import io.querylens.detect.Detector;
import io.querylens.detect.Detectors;
import io.querylens.detect.MissingIndexDetector;
import io.querylens.detect.NPlusOneDetector;
import io.querylens.detect.OffsetPaginationDetector;
import io.querylens.detect.PoolExhaustionDetector;
import io.querylens.detect.RepeatedQueryDetector;
import io.querylens.detect.SelectStarDetector;
import io.querylens.detect.SloBudgetDetector;
import io.querylens.detect.SlowQueryDetector;
import io.querylens.detect.SqlLintDetector;
import io.querylens.detect.UnbatchedWritesDetector;
import io.querylens.detect.UnboundedResultSetDetector;
import io.querylens.endpoint.EndpointStats;
import io.querylens.endpoint.EndpointSummary;
import io.querylens.finding.Finding;
import io.querylens.internal.BoundedQueue;
import io.querylens.internal.Diagnostics;
import io.querylens.pool.PoolStatistics;
import io.querylens.pool.PoolTimeline;
import io.querylens.record.Recorder;
import io.querylens.report.EndpointReport;
import io.querylens.report.FindingSink;
import io.querylens.report.HtmlReport;
import io.querylens.report.JsonLinesFindingSink;
import io.querylens.report.Reporter;
import io.querylens.report.RunSummary;
import io.querylens.report.ShapeReport;
import io.querylens.report.Slf4jFindingSink;
import io.querylens.report.Suppressions;
import io.querylens.sql.ShapeRegistry;
import io.querylens.sql.SqlAnalyzer;
import io.querylens.sql.SqlNormalizer;
import io.querylens.sql.StatementShape;
import io.querylens.stats.Distribution;
import io.querylens.telemetry.MicrometerApplications;
import io.querylens.telemetry.QueryLensJmx;
import io.querylens.telemetry.SpanEvents;
import io.querylens.telemetry.Telemetry;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;

/**
 * One running querylens: the parts wired together from a configuration, and the worker thread that does everything
 * that must not happen on application threads (SQL analysis, finding text, sinks, ending idle bursts).
 */
public final class QueryLensRuntime {

  /** How querylens was started; decides how it finds the application's logging. */
  public enum Mode {
    /** As a Java agent: wait for the application to initialise its SLF4J. */
    AGENT,
    /** As a library inside the application: use the SLF4J visible to querylens. */
    LIBRARY
  }

  private static final int DETECTION_QUEUE = 10_000;
  private static final int ANALYSIS_QUEUE = 10_000;
  private static final int MAX_PROBLEMS = 10_000;
  private static final int MAX_OPEN_PREPARED = 100_000;
  private static final int MAX_OPEN_CONNECTIONS = 100_000;
  private static final long TICK_NANOS = TimeUnit.MILLISECONDS.toNanos(100);
  private static final long FLUSH_WAIT_NANOS = TimeUnit.SECONDS.toNanos(10);
  private static final long SHUTDOWN_WAIT_NANOS = TimeUnit.SECONDS.toNanos(2);
  private static final long IDLE_PARK_NANOS = TimeUnit.MILLISECONDS.toNanos(50);
  /** How often new tables, pools and endpoints get their meters (reading the figures is a walk over the shapes). */
  private static final long METERS_NANOS = TimeUnit.SECONDS.toNanos(1);
  /** Under the agent, the MXBean is registered this long after start. */
  private static final long JMX_DELAY_NANOS = TimeUnit.SECONDS.toNanos(10);

  private static volatile QueryLensRuntime active;

  private final QueryLensConfig config;
  private final SqlAnalyzer analyzer = new SqlAnalyzer();
  private final BoundedQueue<StatementShape> toAnalyse = new BoundedQueue<>(ANALYSIS_QUEUE);
  private final ShapeRegistry shapes;
  private final Detectors detectors;
  private final Slf4jFindingSink log;
  private final Reporter reporter;
  private final Recorder recorder;
  private final Thread worker;
  private final AtomicBoolean stopped = new AtomicBoolean();
  private final Mode mode;
  private final Telemetry telemetry;
  /** Null when {@code traces.span.events=false}. */
  private final SpanEvents spanEvents;
  /** Guarded by this. */
  private QueryLensJmx jmx;
  /** When the MXBean is registered (System.nanoTime); Long.MAX_VALUE once done or when it is off. */
  private long jmxDueNanos = Long.MAX_VALUE;
  private final MicrometerApplications meters;

  private QueryLensRuntime(QueryLensConfig config, Mode mode) {
    this.config = config;
    this.shapes = new ShapeRegistry(new SqlNormalizer(config.get(Settings.SQL_MAX_LENGTH)),
        config.get(Settings.SHAPES_MAX), this::analyseLater);
    this.detectors = new Detectors(detectors(config, analyzer,
        new SloBudgetDetector.Sources(shapes::shapes, this::endpointStatistics)), true);
    warnOfUnknownDetectors(config, analyzer);
    this.log = new Slf4jFindingSink(mode == Mode.AGENT);
    List<FindingSink> sinks = new ArrayList<>();
    sinks.add(log);
    String report = config.get(Settings.REPORT);
    if (report != null) {
      sinks.add(new JsonLinesFindingSink(Path.of(report)));
    }
    this.reporter = new Reporter(sinks, analyzer, DETECTION_QUEUE, MAX_PROBLEMS,
        new Suppressions(config.get(Settings.SUPPRESS)));
    this.worker = new Thread(this::work, "querylens-worker");
    this.worker.setDaemon(true);
    Recorder.Options options = new Recorder.Options(
        config.get(Settings.NPLUSONE_THRESHOLD),
        TimeUnit.MILLISECONDS.toNanos(config.get(Settings.UNIT_THREAD_GAP_MS)),
        TimeUnit.MILLISECONDS.toNanos(config.get(Settings.UNIT_THREAD_MAX_MS)),
        config.get(Settings.LOG_PARAMETERS),
        MAX_OPEN_PREPARED, MAX_OPEN_CONNECTIONS,
        TimeUnit.MILLISECONDS.toNanos(config.get(Settings.SLO_QUERY_P95_MS)),
        TimeUnit.MILLISECONDS.toNanos(config.get(Settings.SLO_REQUEST_DB_P95_MS)));
    this.spanEvents = config.get(Settings.TRACES_SPAN_EVENTS) ? new SpanEvents() : null;
    this.recorder = new Recorder(options, shapes, new CallSiteResolver(config.get(Settings.APP_PACKAGES)),
        detectors, detection -> {
          if (spanEvents != null) {
            spanEvents.onDetection(detection);
          }
          reporter.report(detection);
          LockSupport.unpark(worker);
        }, log::onLoggerFactoryReady);
    this.mode = mode;
    this.telemetry = new Telemetry(recorder, shapes, analyzer, reporter::problems);
    this.meters = new MicrometerApplications(telemetry);
  }

  /**
   * Starts querylens: wires it up, starts the worker, installs the hooks and, when {@code shutdownHook}, writes the
   * summary and closes the report when the JVM exits. A running instance is shut down first.
   */
  public static QueryLensRuntime start(QueryLensConfig config, Mode mode, boolean shutdownHook) {
    QueryLensRuntime previous = active;
    if (previous != null) {
      previous.shutdown();
    }
    // The shutdown hook first, before anything is created: a JVM already exiting (the agent starts querylens beside
    // the application, which may be done first) gets no runtime, no thread and no file.
    AtomicReference<QueryLensRuntime> started = new AtomicReference<>();
    if (shutdownHook) {
      Thread hook = new Thread(() -> {
        QueryLensRuntime runtime = started.get();
        if (runtime != null) {
          runtime.shutdown();
        }
      }, "querylens-shutdown");
      try {
        Runtime.getRuntime().addShutdownHook(hook);
      } catch (IllegalStateException exiting) {
        throw new JvmExiting(exiting);
      }
    }
    QueryLensRuntime runtime = new QueryLensRuntime(config, mode);
    started.set(runtime);
    runtime.worker.start();
    if (config.get(Settings.ENABLED)) {
      Hooks.install(runtime.recorder);
      Hooks.installCaptureBridge(new CaptureService(runtime));
      // After the recorder is installed: background threads tell it, first thing, that what they run is not recorded.
      runtime.detectors.start();
      if (config.get(Settings.METRICS_JMX)) {
        // Under the agent, not while the application starts: creating the platform MBean server before an
        // application server has set its own MBeanServerBuilder (JBoss, WildFly) breaks its start.
        long delay = mode == Mode.AGENT ? JMX_DELAY_NANOS : 0;
        synchronized (runtime) {
          runtime.jmxDueNanos = System.nanoTime() + delay;
          if (delay == 0) {
            runtime.registerJmx();
          }
        }
      }
    } else {
      Hooks.install(HookListener.NO_OP);
    }
    active = runtime;
    return runtime;
  }

  /** Thrown by {@link #start} when the JVM is exiting already: nothing was started. */
  public static final class JvmExiting extends IllegalStateException {
    private static final long serialVersionUID = 1L;

    JvmExiting(IllegalStateException cause) {
      super("the JVM is exiting", cause);
    }
  }

  /** The running instance, or null. */
  public static QueryLensRuntime active() {
    return active;
  }

  public QueryLensConfig config() {
    return config;
  }

  /** The detectors in use. */
  public List<Detector> detectors() {
    return detectors.all();
  }

  /** The SQL analyzer (thread-safe; calls are serialized). */
  public SqlAnalyzer analyzer() {
    return analyzer;
  }

  /** The statement shapes seen so far. */
  public ShapeRegistry shapes() {
    return shapes;
  }

  /** The hook listener (the recorder). */
  public Recorder recorder() {
    return recorder;
  }

  /** Every distinct problem found so far. Call {@link #flush()} first to include detections still queued. */
  public List<Finding> findings() {
    return reporter.findings();
  }

  /** Every distinct problem found so far, with how often it was seen. Call {@link #flush()} first. */
  public List<Reporter.Problem> problems() {
    return reporter.problems();
  }

  /**
   * Ends idle bursts and reports everything detected so far, on the calling thread, before returning. Lets tests and
   * the API read findings without waiting for the worker.
   */
  public void flush() {
    // Outside the lock: background work (EXPLAINs) reports through the queue the worker drains, not through it.
    detectors.finishPending(FLUSH_WAIT_NANOS);
    flushNow();
  }

  private synchronized void flushNow() {
    long now = System.nanoTime();
    recorder.endIdleBursts(now, false);
    recorder.tickConnections(now);
    reporter.drainAll();
    telemetry.forget();
    refreshMeters();
  }

  private List<EndpointStats> endpointStatistics() {
    return recorder.endpoints().all();
  }

  /** Registers the MXBean, once. Guarded by this. */
  private void registerJmx() {
    jmxDueNanos = Long.MAX_VALUE;
    if (!stopped.get()) {
      jmx = QueryLensJmx.register(telemetry, path -> writeHtmlReport(Path.of(path)));
    }
  }

  /**
   * Writes the HTML report of the run so far to {@code path} (what {@code html=} writes at shutdown), after reporting
   * everything detected; false when it could not be written (said in one line).
   */
  public boolean writeHtmlReport(Path path) {
    flush();
    synchronized (this) {
      return HtmlReport.write(path, htmlData(recorder.endpoints().summaries(), usedPools()));
    }
  }

  private HtmlReport.Data htmlData(List<EndpointSummary> endpoints, List<PoolStatistics> pools) {
    // Only the endpoints the page charts (the most costly first, as endpoints are): not all of up to 1,000.
    Set<String> charted = new HashSet<>();
    endpoints.stream().limit(HtmlReport.CHARTED_ENDPOINTS).forEach(endpoint -> charted.add(endpoint.name()));
    Map<String, Distribution> statementsPerRequest = new HashMap<>();
    recorder.endpoints().all().stream().filter(endpoint -> charted.contains(endpoint.name()))
        .forEach(endpoint -> statementsPerRequest.put(endpoint.name(), endpoint.statementsPerRequest()));
    Map<Integer, List<PoolTimeline.Point>> timelines = new HashMap<>();
    recorder.connections().poolsOfTheRun()
        .forEach(pool -> timelines.put(pool.number(), pool.timeline().points()));
    return new HtmlReport.Data(version(), recorder.statementCount(), reporter.problems(),
        shapes.shapesWithPlaceholders(), endpoints, pools, config, statementsPerRequest, timelines);
  }

  /** The statistics of every pool that handed out connections (or failed to). */
  private List<PoolStatistics> usedPools() {
    return recorder.connections().poolsOfTheRun().stream()
        .filter(pool -> pool.acquisitions() > 0 || pool.failures() > 0)
        .map(PoolStatistics::of).toList();
  }

  /** Distinct problems the {@code suppress} setting kept out of the log and the reports so far. */
  public long suppressedProblems() {
    flush();
    synchronized (this) {
      return reporter.suppressed();
    }
  }

  /** querylens' version, from the jar it runs from. */
  public static String version() {
    String version = QueryLensRuntime.class.getPackage().getImplementationVersion();
    return "querylens " + (version == null ? "(development build)" : version);
  }

  /** The figures dashboards read (Micrometer, JMX). */
  public Telemetry telemetry() {
    return telemetry;
  }

  /**
   * Registers meters for what is new (tables, pools, endpoints) in the applications' Micrometers, after looking for
   * Micrometer in the class loaders querylens has not searched yet: its own when it runs as a library, the latest
   * unit of work's.
   */
  private void refreshMeters() {
    if (!config.get(Settings.METRICS_MICROMETER) || !config.get(Settings.ENABLED)) {
      return;
    }
    List<ClassLoader> candidates = new ArrayList<>(2);
    if (mode == Mode.LIBRARY) {
      candidates.add(QueryLensRuntime.class.getClassLoader());
    }
    candidates.add(recorder.applicationLoader());
    meters.refresh(candidates);
  }

  /** Stops recording, ends open bursts, reports what is left, writes the summary and closes sinks. Idempotent. */
  public void shutdown() {
    if (!stopped.compareAndSet(false, true)) {
      return;
    }
    try {
      detectors.finishPending(SHUTDOWN_WAIT_NANOS);
      detectors.close();
      LockSupport.unpark(worker);
      worker.join(TimeUnit.SECONDS.toMillis(2));
      synchronized (this) {
        recorder.endIdleBursts(System.nanoTime(), true);
        recorder.disable();
        reporter.drainAll();
        Settings.SummaryMode mode = config.get(Settings.SUMMARY);
        List<Reporter.Problem> problems = reporter.problems();
        List<EndpointSummary> endpoints = recorder.endpoints().summaries();
        List<PoolStatistics> pools = usedPools();
        if (mode == Settings.SummaryMode.ALWAYS || mode == Settings.SummaryMode.AUTO && !problems.isEmpty()) {
          reporter.summary(RunSummary.of(recorder.statementCount(), shapes.shapesWithPlaceholders(), problems,
              config.get(Settings.SUMMARY_TOP), Diagnostics.totalErrors(), Diagnostics.dropCounts(), pools,
              endpoints, reporter.suppressed()));
        }
        String html = config.get(Settings.HTML);
        if (html != null && !html.isBlank()) {
          HtmlReport.write(Path.of(html.trim()), htmlData(endpoints, pools));
        }
        Path endpointsReport =
            EndpointReport.pathFor(config.get(Settings.ENDPOINTS_REPORT), config.get(Settings.REPORT));
        if (endpointsReport != null && !endpoints.isEmpty()) {
          EndpointReport.write(endpointsReport, endpoints);
        }
        Path shapesReport = ShapeReport.pathFor(config.get(Settings.SHAPES_REPORT), config.get(Settings.REPORT));
        if (shapesReport != null && recorder.statementCount() > 0) {
          ShapeReport.write(shapesReport, shapes.shapesWithPlaceholders());
        }
        reporter.close();
        analyzer.close();
        meters.close();
        if (jmx != null) {
          jmx.unregister();
        }
      }
    } catch (Throwable failed) {
      Diagnostics.error("shutdown", failed);
    } finally {
      if (active == this) {
        active = null;
      }
      if (Hooks.listener() == recorder) {
        Hooks.install(HookListener.NO_OP);
        Hooks.installCaptureBridge(null);
      }
    }
  }

  /** One line per pool that handed out connections: {@code pool.stats.interval}. */
  private void logPoolStatistics() {
    usedPools().forEach(pool -> reporter.note("querylens.pool-stats", "Pool statistics: " + pool.line()));
  }

  private void analyseLater(StatementShape shape) {
    if (!toAnalyse.offer(shape)) {
      Diagnostics.dropped("SQL analysis ahead of time", "more than " + ANALYSIS_QUEUE
          + " new statement shapes are waiting; the rest are analysed when a finding needs them");
    }
  }

  private void work() {
    recorder.suppressCurrentThread();
    // Loads and warms JSqlParser here, so that the first real analysis does not pay for it.
    analyzer.analyze("select a.id from warm_up a where a.id = ? order by a.id");
    long nextTick = System.nanoTime();
    long poolStatsNanos = TimeUnit.SECONDS.toNanos(config.get(Settings.POOL_STATS_INTERVAL));
    long nextPoolStats = nextTick + poolStatsNanos;
    long nextMeters = nextTick;
    while (!stopped.get()) {
      try {
        int done;
        synchronized (this) {
          done = reporter.drain();
          for (int i = 0; i < 16; i++) {
            StatementShape shape = toAnalyse.poll();
            if (shape == null) {
              break;
            }
            shape.structure(analyzer);
            done++;
          }
          long now = System.nanoTime();
          if (now - nextTick >= 0) {
            nextTick = now + TICK_NANOS;
            recorder.endIdleBursts(now, false);
            recorder.purgeCollectedStatements();
            recorder.tickConnections(now);
            if (poolStatsNanos > 0 && now - nextPoolStats >= 0) {
              nextPoolStats = now + poolStatsNanos;
              logPoolStatistics();
            }
            log.tick(System.currentTimeMillis());
            if (now - nextMeters >= 0) {
              nextMeters = now + METERS_NANOS;
              refreshMeters();
            }
            if (jmxDueNanos != Long.MAX_VALUE && now - jmxDueNanos >= 0) {
              registerJmx();
            }
          }
        }
        if (done == 0) {
          LockSupport.parkNanos(IDLE_PARK_NANOS);
        }
      } catch (Throwable failed) {
        Diagnostics.error("querylens worker", failed);
        LockSupport.parkNanos(IDLE_PARK_NANOS);
      }
    }
  }

  /**
   * A fresh set of the detectors {@code config} enables: each with its own memory of what it already reported (a test's
   * capture judges its statements with its own set).
   */
  private static List<Detector> detectors(QueryLensConfig config, SqlAnalyzer analyzer,
      SloBudgetDetector.Sources sources) {
    List<String> disabled = config.get(Settings.DETECTORS_DISABLED);
    boolean indexAdvice = config.get(Settings.INDEX_ADVICE);
    return allDetectors(config, analyzer, sources).stream().filter(detector -> !disabled.contains(detector.id()))
        .filter(detector -> indexAdvice || !(detector instanceof MissingIndexDetector)).toList();
  }

  /**
   * The detectors a test's capture judges its statements and connections with: all those {@code config} enables but
   * pool exhaustion, which concerns the whole pool over time, not one test's share of it, and missing indexes, which
   * are planned in the background once per shape for the whole run (the running querylens still reports both).
   */
  public static List<Detector> captureDetectors(QueryLensConfig config) {
    List<String> disabled = config.get(Settings.DETECTORS_DISABLED);
    return unitDetectors(config).stream().filter(detector -> !disabled.contains(detector.id())).toList();
  }

  private static List<Detector> allDetectors(QueryLensConfig config, SqlAnalyzer analyzer,
      SloBudgetDetector.Sources sources) {
    List<Detector> all = new ArrayList<>(unitDetectors(config));
    all.add(new ChattyRequestDetector(config.get(Settings.REQUEST_MAX_STATEMENTS),
        config.get(Settings.REQUEST_MAX_DB_MS), config.get(Settings.SLOW_THRESHOLD_MS),
        config.get(Settings.NPLUSONE_THRESHOLD), config.get(Settings.BATCH_THRESHOLD),
        config.get(Settings.REPEAT_THRESHOLD)));
    all.add(new SloBudgetDetector(sources, config.get(Settings.SLO_QUERY_P95_MS),
        config.get(Settings.SLO_REQUEST_DB_P95_MS), config.get(Settings.SLO_WINDOW_S),
        config.get(Settings.SLO_MIN_SAMPLES)));
    all.add(new PoolExhaustionDetector(config.get(Settings.POOL_WAIT_THRESHOLD_MS)));
    // Made whether index.advice is on or not (its thread starts only with start()), so that its id is known.
    all.add(new MissingIndexDetector(analyzer, config.get(Settings.INDEX_MIN_ROWS),
        config.get(Settings.INDEX_EXPLAIN_MIN_MS), config.get(Settings.INDEX_EXPLAIN_MIN_EXECUTIONS)));
    return all;
  }

  private static List<Detector> unitDetectors(QueryLensConfig config) {
    boolean showParameters = config.get(Settings.LOG_PARAMETERS);
    return List.of(
        new NPlusOneDetector(config.get(Settings.NPLUSONE_THRESHOLD), showParameters),
        new SlowQueryDetector(config.get(Settings.SLOW_THRESHOLD_MS), showParameters),
        new UnbatchedWritesDetector(config.get(Settings.BATCH_THRESHOLD)),
        new RepeatedQueryDetector(config.get(Settings.REPEAT_THRESHOLD), config.get(Settings.NPLUSONE_THRESHOLD)),
        new SelectStarDetector(),
        new OffsetPaginationDetector(config.get(Settings.OFFSET_THRESHOLD)),
        new UnboundedResultSetDetector(config.get(Settings.ROWS_THRESHOLD)),
        new SqlLintDetector(config.get(Settings.LINT_LITERAL_VALUES), config.get(Settings.LINT_IN_SIZES),
            config.get(Settings.LINT_SEVERITY)),
        new ConnectionLeakDetector(config.get(Settings.LEAK_THRESHOLD_MS)));
  }

  private static void warnOfUnknownDetectors(QueryLensConfig config, SqlAnalyzer analyzer) {
    List<Detector> all = allDetectors(config, analyzer, null);
    for (String id : config.get(Settings.DETECTORS_DISABLED)) {
      if (all.stream().noneMatch(detector -> detector.id().equals(id))) {
        Diagnostics.say("detectors.disabled names an unknown detector '" + id + "'; known: "
            + String.join(", ", all.stream().map(Detector::id).toList()));
      }
    }
  }
}
