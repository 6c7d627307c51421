package io.querylens.detect;

import io.querylens.finding.Finding;
import io.querylens.finding.FindingType;
import io.querylens.finding.Severity;
import io.querylens.internal.BoundedQueue;
import io.querylens.internal.Diagnostics;
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
 * log: the reporter counts the rest) when it has been held {@code leak.threshold.ms} (not while a statement runs on
 * it), when it is still open {@value #UNIT_END_GRACE_MILLIS} ms after the request or scope that took it ended (at
 * once for a test's capture), or when the garbage collector finds it dropped without {@code close()}. When a
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

  /**
   * How long a connection left open by a request or scope may still be closed before it counts: a filter closing the
   * persistence context after the servlet (open-session-in-view as a filter), or an async request finishing on
   * another thread, close it a moment after the unit ended.
   */
  static final long UNIT_END_GRACE_MILLIS = 2_000;
  private static final long UNIT_END_GRACE_NANOS = UNIT_END_GRACE_MILLIS * 1_000_000L;
  private static final int MAX_WAITING = 10_000;
  private static final long RECORD_SITES_AFTER_LEAK_NANOS = java.util.concurrent.TimeUnit.MINUTES.toNanos(10);

  private record OpenAtUnitEnd(Checkout checkout, String unitName, long endNanos) {}

  private final long thresholdNanos;
  /** Connections left open by a request or scope, oldest first, waiting out the grace period. */
  private final BoundedQueue<OpenAtUnitEnd> openAtUnitEnd = new BoundedQueue<>(MAX_WAITING);

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

  /**
   * Connections held past the threshold, unless a statement is running on them (a long statement is a slow query,
   * not a leak; the connection is judged again when it ends); and connections left open by a request or scope that
   * are still open after the grace period.
   */
  @Override
  public void onTick(ConnectionTracker connections, long nowNanos, DetectionSink sink) {
    for (Checkout checkout : connections.openCheckouts()) {
      if (!checkout.isLeakReported() && checkout.heldNanos(nowNanos) >= thresholdNanos
          && checkout.statementStartNanos() == 0 && checkout.markLeakReported()) {
        report(checkout, Reason.HELD_TOO_LONG, checkout.heldNanos(nowNanos), checkout.unitName(), sink);
      }
    }
    OpenAtUnitEnd waiting;
    while ((waiting = openAtUnitEnd.peek()) != null && nowNanos - waiting.endNanos() >= UNIT_END_GRACE_NANOS) {
      openAtUnitEnd.poll();
      Checkout checkout = waiting.checkout();
      if (!checkout.isClosed() && checkout.markLeakReported()) {
        report(checkout, Reason.OPEN_AT_UNIT_END, checkout.heldNanos(nowNanos), waiting.unitName(), sink);
      }
    }
  }

  /**
   * A request or scope that ends with connections it took still open leaked them (only those units remember their
   * connections, see {@link UnitOfWork#openConnections()}). A test's capture is judged afresh
   * each time it is read, and only for the test: its leaks are said every time and leave the checkout unmarked, so
   * the running querylens still reports them as usual.
   */
  @Override
  public void onUnitEnd(UnitOfWork unit, DetectionSink sink) {
    UnitKind kind = unit.kind();
    long nowNanos = System.nanoTime();
    for (Checkout checkout : unit.openConnections()) {
      if (kind == UnitKind.CAPTURE) {
        report(checkout, Reason.OPEN_AT_UNIT_END, checkout.heldNanos(nowNanos), unit.name(), sink);
      } else if (!openAtUnitEnd.offer(new OpenAtUnitEnd(checkout, unit.name(), nowNanos))) {
        Diagnostics.dropped("connections open at the end of a request", "more than " + MAX_WAITING
            + " wait for their grace period; further ones are judged by leak.threshold.ms alone");
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
    if (!checkout.hasCallSite()) {
      // So that the next leak of this pool names where it was taken.
      pool.recordEverySiteFor(System.nanoTime(), RECORD_SITES_AFTER_LEAK_NANOS);
    }
    Severity severity = reason == Reason.RETURNED ? Severity.INFO : Severity.WARN;
    sink.report(new Detection(this, FindingType.CONNECTION_LEAK, severity, checkout.lastShape(),
        checkout.callSite(), 1, 0, heldNanos, heldNanos, null, unitName, null, null,
        Thread.currentThread().getContextClassLoader(),
        FindingType.CONNECTION_LEAK + "|" + (reason == Reason.RETURNED ? "returned" : "leaked") + "|"
            + pool.number() + "|" + checkout.callSite(),
        new Leak(checkout, reason, heldNanos, pool.name())));
  }

  @Override
  public Finding describe(Detection detection, SqlAnalyzer analyzer) {
    Leak leak = (Leak) detection.evidence();
    Checkout checkout = leak.checkout();
    StatementShape shape = detection.shape();
    SqlStructure structure = shape == null ? null : shape.structure(analyzer);
    String held = SqlText.span(leak.heldNanos());
    String taken = "connection from " + describePool(checkout.pool(), leak.poolName())
        + (checkout.hasCallSite() ? " taken at " + checkout.callSite() + " (thread " + checkout.threadName() + ")"
            : " taken on thread " + checkout.threadName() + " in " + checkout.unitName() + " (where is not known: "
                + "querylens records a sample of a busy pool's checkouts; it records every one of this pool's for the "
                + "next 10 minutes, so a next leak names the line)");
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
