package io.querylens.detect;

import io.querylens.finding.Finding;
import io.querylens.finding.FindingType;
import io.querylens.finding.Severity;
import io.querylens.pool.Checkout;
import io.querylens.pool.ConnectionTracker;
import io.querylens.pool.TrackedPool;
import io.querylens.record.UnitKind;
import io.querylens.record.UnitOfWork;
import io.querylens.sql.SqlAnalyzer;
import io.querylens.sql.SqlStructure;
import io.querylens.sql.StatementShape;
import java.util.List;
import java.util.Set;

/**
 * Connection leak: a connection taken and not closed. Reported once per connection (and once per call site in the
 * log: the reporter counts the rest) when it has been held {@code leak.threshold.ms}, when the request or scope that
 * took it ends with it still open, or when the garbage collector finds it dropped without {@code close()}. When a
 * connection reported as leaked is closed at last, an INFO follow-up says after how long.
 */
public final class ConnectionLeakDetector implements Detector {

  public static final String ID = "connection-leak";

  /** Why a connection counts as leaked. */
  enum Reason {
    HELD_TOO_LONG,
    OPEN_AT_UNIT_END,
    COLLECTED,
    RETURNED
  }

  /** What {@link #describe} needs: the checkout, why, and when it was seen. */
  record Leak(Checkout checkout, Reason reason, long heldNanos, String poolName) {}

  private final long thresholdNanos;

  public ConnectionLeakDetector(long thresholdMillis) {
    this.thresholdNanos = thresholdMillis * 1_000_000L;
  }

  @Override
  public String id() {
    return ID;
  }

  @Override
  public Set<FindingType> findingTypes() {
    return Set.of(FindingType.CONNECTION_LEAK);
  }

  @Override
  public void onTick(ConnectionTracker connections, long nowNanos, DetectionSink sink) {
    for (Checkout checkout : connections.openCheckouts()) {
      if (!checkout.isLeakReported() && checkout.heldNanos(nowNanos) >= thresholdNanos
          && checkout.markLeakReported()) {
        report(checkout, Reason.HELD_TOO_LONG, checkout.heldNanos(nowNanos), checkout.unitName(), sink);
      }
    }
  }

  /**
   * A request or scope that ends with connections it took still open leaked them. A test's capture is judged afresh
   * each time it is read, and only for the test: its leaks are said every time and leave the checkout unmarked, so
   * the running querylens still reports them as usual.
   */
  @Override
  public void onUnitEnd(UnitOfWork unit, DetectionSink sink) {
    UnitKind kind = unit.kind();
    if (kind != UnitKind.REQUEST && kind != UnitKind.SCOPE && kind != UnitKind.CAPTURE) {
      return;
    }
    long nowNanos = System.nanoTime();
    for (Checkout checkout : unit.openConnections()) {
      if (kind == UnitKind.CAPTURE || checkout.markLeakReported()) {
        report(checkout, Reason.OPEN_AT_UNIT_END, checkout.heldNanos(nowNanos), unit.name(), sink);
      }
    }
  }

  @Override
  public void onConnectionLost(Checkout checkout, DetectionSink sink) {
    if (checkout.markLeakReported()) {
      report(checkout, Reason.COLLECTED, checkout.heldNanos(System.nanoTime()), checkout.unitName(), sink);
    }
  }

  @Override
  public void onRelease(Checkout checkout, DetectionSink sink) {
    if (checkout.isLeakReported()) {
      report(checkout, Reason.RETURNED, checkout.heldNanos(System.nanoTime()), checkout.unitName(), sink);
    }
  }

  /** {@code unitName} is the unit of work that ended with the connection open, else the one it was taken in. */
  private void report(Checkout checkout, Reason reason, long heldNanos, String unitName, DetectionSink sink) {
    TrackedPool pool = checkout.pool();
    Severity severity = reason == Reason.RETURNED ? Severity.INFO : Severity.WARN;
    sink.report(new Detection(this, FindingType.CONNECTION_LEAK, severity, checkout.lastShape(),
        checkout.callSite(), 1, 0, heldNanos, heldNanos, null, unitName, null, null,
        Thread.currentThread().getContextClassLoader(),
        FindingType.CONNECTION_LEAK + "|" + (reason == Reason.RETURNED ? "returned" : "leaked") + "|" + pool.name()
            + "|" + checkout.callSite(),
        new Leak(checkout, reason, heldNanos, pool.name())));
  }

  @Override
  public Finding describe(Detection detection, SqlAnalyzer analyzer) {
    Leak leak = (Leak) detection.evidence();
    Checkout checkout = leak.checkout();
    StatementShape shape = detection.shape();
    SqlStructure structure = shape == null ? null : shape.structure(analyzer);
    String held = SqlText.span(leak.heldNanos());
    String taken = "connection from " + describePool(checkout.pool(), leak.poolName()) + " taken at "
        + checkout.callSite() + " (thread " + checkout.threadName() + ")";
    String last = shape == null ? "; it ran no statement" : "; last statement: [" + SqlText.abbreviate(shape.sql())
        + "]";
    String message = switch (leak.reason()) {
      case HELD_TOO_LONG -> "Connection leak: " + taken + " has been held " + held + " and not closed" + last
          + " (threshold " + SqlText.span(thresholdNanos) + ").";
      case OPEN_AT_UNIT_END -> "Connection leak: " + taken + " was still open when " + detection.unitName()
          + " ended, after " + held + last + ".";
      case COLLECTED -> "Connection leak: " + taken + " was dropped without close() and garbage collected after "
          + held + last + (checkout.pool().kind().isPooled() ? "; the pool never gets it back." : ".");
      case RETURNED -> "Connection leak follow-up: " + taken + " was closed after " + held + ".";
    };
    String suggestion = leak.reason() == Reason.RETURNED
        ? "It was returned in the end; hold connections only around the statements that need them."
        : "Close the connection on every path: take it in try-with-resources (try (Connection c = "
            + "dataSource.getConnection()) {...}), or let the framework manage it (JdbcTemplate, "
            + "@Transactional). If holding it this long is intended, raise leak.threshold.ms.";
    return Finding.builder(FindingType.CONNECTION_LEAK, detection.severity(), ID)
        .sql(shape == null ? "" : shape.sql())
        .tables(structure == null ? List.of() : structure.tables())
        .columns(structure == null ? List.of() : structure.filterColumns())
        .callSite(checkout.callSite().toString())
        .count(1)
        .message(message)
        .suggestion(suggestion)
        .problemKey(detection.problemKey())
        .detail("pool", leak.poolName())
        .detail("poolKind", checkout.pool().kind().name())
        .detail("heldMs", Math.round(leak.heldNanos() / 1_000_000.0))
        .detail("reason", leak.reason().name())
        .detail("thread", checkout.threadName())
        .detail("unit", detection.unitName())
        .detail("thresholdMs", thresholdNanos / 1_000_000L)
        .build();
  }

  static String describePool(TrackedPool pool, String name) {
    return pool.kind().isPooled() ? "pool '" + name + "'" : name;
  }
}
