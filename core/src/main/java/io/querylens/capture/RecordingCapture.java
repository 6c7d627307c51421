package io.querylens.capture;

import io.querylens.config.Settings;
import io.querylens.detect.Detection;
import io.querylens.detect.Detector;
import io.querylens.pool.Checkout;
import io.querylens.pool.ConnectionTracker;
import io.querylens.detect.Detectors;
import io.querylens.detect.FindingOverlaps;
import io.querylens.finding.Finding;
import io.querylens.finding.FindingType;
import io.querylens.internal.Diagnostics;
import io.querylens.record.Execution;
import io.querylens.record.ExecutionListener;
import io.querylens.record.Recorder;
import io.querylens.record.UnitKind;
import io.querylens.record.UnitOfWork;
import io.querylens.runtime.QueryLensRuntime;
import io.querylens.sql.LikePatterns;
import io.querylens.sql.SqlAnalyzer;
import io.querylens.sql.StatementKind;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The recording side of a capture, inside the querylens that watches the JDBC calls (the agent's copy under the
 * agent): each statement completed while it is open (shape, kind, duration, batch, call site), counts by kind, and the
 * findings of its own detectors judged over those statements alone. The application reads it through
 * {@link QueryCapture}, by way of the {@link CaptureService}.
 *
 * <p>The capture judges with its own detectors, so a problem already reported by an earlier test (querylens logs each
 * distinct problem once) is found again here. Its N+1 check counts the capture as one unit of work, whatever requests
 * or transactions ran inside it. Statements from several threads ({@link CaptureScope#ALL_THREADS}) are recorded under
 * the capture's lock, which only open captures cost.
 *
 * <p>Bounded: it keeps the first {@value #MAX_KEPT} statements in detail and counts the rest.
 */
final class RecordingCapture {

  static final int MAX_KEPT = 100_000;

  private final String name;
  private final CaptureScope scope;
  private final Thread owner;
  private final Recorder recorder;
  private final Detectors detectors;
  private final Set<FindingType> judgedTypes;
  private final SqlAnalyzer analyzer;
  private final int nPlusOneThreshold;
  private final boolean keepParameters;
  private final UnitOfWork unit;
  private final ExecutionListener listener = new ExecutionListener() {
    @Override
    public void onExecution(Execution execution) {
      RecordingCapture.this.onExecution(execution);
    }

    @Override
    public void onConnectionAcquired(ConnectionTracker.Outcome acquisition) {
      RecordingCapture.this.onConnectionAcquired(acquisition);
    }

    @Override
    public void onConnectionReleased(Checkout checkout) {
      RecordingCapture.this.onConnectionReleased(checkout);
    }
  };
  /** Connections taken in this capture and not closed yet; bounded, as statements are. */
  private final Set<Checkout> openConnections = new HashSet<>();
  private long connectionsOpened;
  private long connectionsClosed;

  private final List<CapturedStatement> statements = new ArrayList<>();
  private final List<Detection> executionDetections = new ArrayList<>();
  private final int[] byKind = new int[StatementKind.values().length];
  private final Map<Long, Integer> valueIds = new HashMap<>();
  private int total;
  private volatile boolean closed;
  private List<Finding> findingsAtClose;

  private RecordingCapture(QueryLensRuntime runtime, String name, CaptureScope scope) {
    this.name = name;
    this.scope = scope;
    this.owner = Thread.currentThread();
    this.recorder = runtime.recorder();
    List<Detector> own = QueryLensRuntime.captureDetectors(runtime.config());
    this.detectors = new Detectors(own, false); // the shapes' marks are the run's detectors'
    EnumSet<FindingType> types = EnumSet.noneOf(FindingType.class);
    own.forEach(detector -> types.addAll(detector.findingTypes()));
    this.judgedTypes = Set.copyOf(types);
    this.analyzer = runtime.analyzer();
    this.nPlusOneThreshold = runtime.config().get(Settings.NPLUSONE_THRESHOLD);
    this.keepParameters = runtime.config().get(Settings.LOG_PARAMETERS);
    this.unit = UnitOfWork.detached(UnitKind.CAPTURE, name);
  }

  static RecordingCapture open(QueryLensRuntime runtime, String name, CaptureScope scope) {
    RecordingCapture capture = new RecordingCapture(runtime, name, scope);
    capture.recorder.addListener(capture.listener);
    return capture;
  }

  String name() {
    return name;
  }

  private void onExecution(Execution execution) {
    if (closed || scope == CaptureScope.THIS_THREAD && Thread.currentThread() != owner) {
      return;
    }
    synchronized (this) {
      if (!closed) {
        record(execution);
      }
    }
  }

  private void onConnectionAcquired(ConnectionTracker.Outcome acquisition) {
    Checkout checkout = acquisition.checkout();
    if (checkout == null || closed || scope == CaptureScope.THIS_THREAD && Thread.currentThread() != owner) {
      return;
    }
    synchronized (this) {
      if (!closed) {
        connectionsOpened++;
        unit.tookConnection(checkout);
        if (openConnections.size() < MAX_KEPT) {
          openConnections.add(checkout);
        }
      }
    }
  }

  /** A connection taken in this capture and closed, on whichever thread. */
  private void onConnectionReleased(Checkout checkout) {
    if (closed) {
      return;
    }
    synchronized (this) {
      if (!closed && openConnections.remove(checkout)) {
        connectionsClosed++;
      }
    }
  }

  /** Connections taken in this capture so far, and how many of those were closed. */
  synchronized long[] connections() {
    return new long[] {connectionsOpened, connectionsClosed};
  }

  private void record(Execution execution) {
    StatementKind kind = execution.kind();
    total++;
    byKind[kind.ordinal()]++;
    unit.countStatement(execution.durationNanos(), execution.endNanos());
    unit.tally(execution, nPlusOneThreshold, keepParameters);
    // Read before the detectors, so that the capture's detectors judge every query's rows, however fast it ran.
    long rows = kind == StatementKind.SELECT && !execution.failed() ? execution.returnedRows() : -1;
    detectors.onExecution(execution, executionDetections::add);
    if (statements.size() < MAX_KEPT) {
      String sql = execution.shapeSql();
      String raw = execution.rawSql();
      // A literal pattern comes with literals; a bound one with a parameter starting with a wildcard.
      long wildcards = execution.leadingWildcardParameters();
      boolean leadingWildcard = raw != null && (execution.hasInlineLiterals() || wildcards != 0)
          && LikePatterns.leadingWildcard(raw, wildcards);
      statements.add(new CapturedStatement(sql, kind, Duration.ofNanos(execution.durationNanos()),
          execution.isBatch(), execution.batchSize(), !execution.isBatch() && execution.isSetBased(),
          execution.failed(), execution.threadName(), execution.callSite().toString(), valuesId(execution),
          execution.hasInlineLiterals(), leadingWildcard, rows));
    } else if (statements.size() == MAX_KEPT && total == MAX_KEPT + 1) {
      Diagnostics.dropped("captured statements", "a capture saw more than " + MAX_KEPT
          + " statements; further ones are counted, not kept");
    }
  }

  /**
   * A number for the values of {@code execution}, the same for the same values within this capture; the value hash
   * itself never leaves the capture (for one bound number it could be turned back into the number).
   */
  private int valuesId(Execution execution) {
    if (execution.isBatch() || execution.isSetBased()) {
      return 0;
    }
    return valueIds.computeIfAbsent(execution.valueHash(), hash -> valueIds.size() + 1);
  }

  /** Stops capturing; the capture stays readable. Idempotent. */
  void close() {
    recorder.removeListener(listener);
    synchronized (this) {
      if (!closed) {
        findingsAtClose = judge();
        closed = true;
      }
    }
  }

  synchronized boolean isClosed() {
    return closed;
  }

  /** The statements seen so far, in the order they completed (the first {@value #MAX_KEPT}). */
  synchronized List<CapturedStatement> statements() {
    return List.copyOf(statements);
  }

  /** Statements seen so far, all kinds. */
  synchronized int count() {
    return total;
  }

  /** Statements seen so far by kind. */
  synchronized Map<String, Long> countsByKind() {
    Map<String, Long> counts = new LinkedHashMap<>();
    for (StatementKind kind : StatementKind.values()) {
      counts.put(kind.name(), (long) byKind[kind.ordinal()]);
    }
    return counts;
  }

  /**
   * The findings of querylens' detectors over the statements of this capture alone (so far, while it is open), in the
   * same model as the log and the report.
   */
  synchronized List<Finding> findings() {
    return closed ? findingsAtClose : judge();
  }

  /** Finding types the capture's detectors can report; asserting the absence of any other type proves nothing. */
  Set<FindingType> judgedTypes() {
    return judgedTypes;
  }

  private List<Finding> judge() {
    List<Detection> detections = new ArrayList<>(executionDetections);
    detectors.onUnitEnd(unit, detections::add);
    List<Finding> findings = new ArrayList<>(detections.size());
    for (Detection detection : detections) {
      try {
        findings.add(detection.detector().describe(detection, analyzer));
      } catch (RuntimeException failed) {
        Diagnostics.error(detection.detector().id() + " detector", failed);
      }
    }
    return List.copyOf(FindingOverlaps.fold(findings));
  }
}
