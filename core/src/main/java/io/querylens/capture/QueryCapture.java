package io.querylens.capture;

import io.querylens.bootstrap.CaptureBridge;
import io.querylens.detect.SqlText;
import io.querylens.finding.Finding;
import io.querylens.finding.FindingType;
import io.querylens.runtime.QueryLensRuntime;
import io.querylens.sql.StatementKind;
import java.lang.ref.Cleaner;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.UnaryOperator;

/**
 * Everything the database saw from a block of code: each statement (shape, kind, duration, batch, call site), counts
 * by kind, and the findings of querylens' detectors judged over the block alone. Open it with
 * {@code QueryLens.capture()}, close it with try-with-resources, and check it with {@link #assertThat()}:
 *
 * <pre>{@code
 * try (QueryCapture capture = QueryLens.capture()) {
 *   service.listOrders();
 *   capture.assertThat().noNPlusOne().selects().atMost(2);
 * }
 * }</pre>
 *
 * <p>The same whether querylens runs as the {@code -javaagent} or in this JVM fed by
 * {@code QueryLens.wrap(dataSource)}: the statements are recorded where querylens runs and read from there. A capture judges with its own detectors, so a
 * problem already reported by an earlier test (querylens logs each distinct problem once) is found again here; its
 * N+1 check counts the block as one unit of work. It keeps the first 100,000 statements in detail and counts the rest.
 */
public final class QueryCapture implements AutoCloseable {

  private static final int CLOSED = 1;
  private static final int TOTAL = 2;
  private static final int COUNTS = 3;
  private static final int STATEMENTS = 4;
  private static final int FINDINGS = 5;
  private static final int JUDGED = 6;
  private static final int CONNECTIONS = 7;

  /** Closes captures that were dropped open, so they stop recording and can be collected. */
  private static final Cleaner CLEANER = Cleaner.create();

  private final CaptureBridge bridge;
  private final Object handle;
  private final String name;
  private final CaptureScope scope;
  private final Cleaner.Cleanable closer;

  private QueryCapture(CaptureBridge bridge, Object handle, String name, CaptureScope scope) {
    this.bridge = bridge;
    this.handle = handle;
    this.name = name;
    this.scope = scope;
    this.closer = CLEANER.register(this, new Closer(bridge, handle));
  }

  /** Closes the recording side; holds no reference to the {@link QueryCapture}. */
  private record Closer(CaptureBridge bridge, Object handle) implements Runnable {
    @Override
    public void run() {
      bridge.close(handle);
    }
  }

  /**
   * Opens a capture through {@code bridge} (the agent's, or this JVM's querylens); prefer {@code QueryLens.capture()}.
   *
   * @throws IllegalStateException when no querylens runs behind the bridge
   */
  public static QueryCapture open(CaptureBridge bridge, String name, CaptureScope scope) {
    String captureName = name == null || name.isBlank() ? "capture" : name;
    CaptureScope captureScope = scope == null ? CaptureScope.THIS_THREAD : scope;
    Object handle = bridge == null ? null : bridge.open(captureName, captureScope == CaptureScope.ALL_THREADS);
    if (handle == null) {
      throw new IllegalStateException(bridge == null
          ? "querylens is not running, so nothing can be captured: start it with QueryLens.wrap(dataSource) or the"
              + " -javaagent"
          : "the querylens that watches this JVM could not open a capture: it is switched off (enabled=false), or"
              + " it is an agent older than this querylens-core (see its messages on stderr)");
    }
    return new QueryCapture(bridge, handle, captureName, captureScope);
  }

  /** Opens a capture on {@code runtime} directly (tests of querylens itself). */
  public static QueryCapture open(QueryLensRuntime runtime, String name, CaptureScope scope) {
    return open(new CaptureService(runtime), name, scope);
  }

  public String name() {
    return name;
  }

  public CaptureScope scope() {
    return scope;
  }

  /** Stops capturing. The capture stays readable and assertable. Idempotent. */
  @Override
  public void close() {
    closer.clean();
  }

  public boolean isClosed() {
    return snapshot().closed();
  }

  /** The statements seen so far, in the order they completed (the first 100,000). */
  public List<CapturedStatement> statements() {
    return snapshot().statements();
  }

  /** Statements seen so far, all kinds (also those past the first 100,000). */
  public int count() {
    return snapshot().count();
  }

  /** Statements of {@code kind} seen so far. */
  public int count(StatementKind kind) {
    return snapshot().count(kind);
  }

  /** Connections taken ({@code getConnection()}) in this capture so far. */
  public long connectionsOpened() {
    return snapshot().connectionsOpened();
  }

  /** Connections taken in this capture and closed again so far. */
  public long connectionsClosed() {
    return snapshot().connectionsClosed();
  }

  /**
   * The findings of querylens' detectors over the statements of this capture alone (so far, while it is open), in
   * the same model as the log and the report.
   */
  public List<Finding> findings() {
    return snapshot().findings();
  }

  /** Finding types the capture's detectors can report; asserting the absence of any other type proves nothing. */
  public Set<FindingType> judgedTypes() {
    return snapshot().judgedTypes();
  }

  /**
   * Fluent assertions over this capture as it is now (statements completing later are not in them; call
   * {@code assertThat()} again); each failing check throws an {@link AssertionError} that shows the SQL.
   */
  public CaptureAssert assertThat() {
    return new CaptureAssert(snapshot());
  }

  /**
   * The statements grouped by shape, in first-seen order, for failure messages:
   * {@code Statements in listsOrders (43):} then {@code 1 x select ...}, {@code 40 x select ...}, one a line.
   */
  public String summary() {
    return snapshot().summary();
  }

  /** Everything the capture holds now, read in one go from where querylens runs. */
  @SuppressWarnings("unchecked")
  Snapshot snapshot() {
    Object[] state = bridge.state(handle);
    if (state == null) {
      throw new IllegalStateException("querylens could not read capture " + name + " (see its message on stderr)");
    }
    List<Object[]> encoded = (List<Object[]>) state[STATEMENTS];
    List<CapturedStatement> statements = new ArrayList<>(encoded.size());
    for (Object[] fields : encoded) {
      statements.add(CaptureWire.decode(fields));
    }
    List<Finding> findings = new ArrayList<>();
    for (Map<String, Object> map : (List<Map<String, Object>>) state[FINDINGS]) {
      try {
        findings.add(Finding.fromMap(map));
      } catch (IllegalArgumentException newerAgent) {
        // A finding type this copy of querylens does not know (the agent is newer): not assertable from here.
      }
    }
    Set<FindingType> judged = EnumSet.noneOf(FindingType.class);
    for (String type : (List<String>) state[JUDGED]) {
      try {
        judged.add(FindingType.valueOf(type));
      } catch (IllegalArgumentException newerAgent) {
        // Unknown here; see above.
      }
    }
    long[] connections = state.length > CONNECTIONS && state[CONNECTIONS] instanceof long[] counts ? counts
        : new long[2];
    return new Snapshot(name, (Boolean) state[CLOSED], ((Long) state[TOTAL]).intValue(),
        Map.copyOf((Map<String, Long>) state[COUNTS]), List.copyOf(statements), List.copyOf(findings),
        Set.copyOf(judged), connections[0], connections[1]);
  }

  /** A capture's content at one moment. */
  record Snapshot(String name, boolean closed, int count, Map<String, Long> countsByKind,
      List<CapturedStatement> statements, List<Finding> findings, Set<FindingType> judgedTypes,
      long connectionsOpened, long connectionsClosed) {

    int count(StatementKind kind) {
      Long count = countsByKind.get(kind.name());
      return count == null ? 0 : count.intValue();
    }

    String summary() {
      Map<String, Integer> counts = new LinkedHashMap<>();
      for (CapturedStatement statement : statements) {
        counts.merge(statement.sql(), 1, Integer::sum);
      }
      StringBuilder text = new StringBuilder("Statements in ").append(name).append(" (").append(count)
          .append("):");
      if (count == 0) {
        return text.append(" none").toString();
      }
      appendCounts(text, counts, 10, " statement shapes", SqlText::abbreviate);
      if (count > statements.size()) {
        text.append("\n  (").append(count - statements.size()).append(" more not kept in detail)");
      }
      return text.toString();
    }
  }

  @Override
  public String toString() {
    return "QueryCapture[" + name + ", " + scope + "]";
  }

  /**
   * Appends {@code n x key} (the key as {@code render} shows it) a line for the first {@code max} entries of
   * {@code counts}, then {@code ... and k more} and {@code what}.
   */
  static void appendCounts(
      StringBuilder text, Map<String, Integer> counts, int max, String what, UnaryOperator<String> render) {
    int shown = 0;
    for (Map.Entry<String, Integer> entry : counts.entrySet()) {
      if (shown++ == max) {
        text.append("\n  ... and ").append(counts.size() - max).append(" more").append(what);
        break;
      }
      text.append("\n  ").append(entry.getValue()).append(" x ").append(render.apply(entry.getKey()));
    }
  }

}
