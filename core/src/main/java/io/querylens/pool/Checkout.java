package io.querylens.pool;

import io.querylens.callsite.CallSite;
import io.querylens.sql.StatementShape;

/**
 * One connection taken from a {@link TrackedPool} and not yet closed: who took it, where, when, and what it ran last.
 * Kept only while the connection is out (and holds the connection weakly), so its cost ends with the checkout.
 */
public final class Checkout {

  private final long number;
  private final TrackedPool pool;
  private final CallSite callSite;
  private final String threadName;
  private final Object unit;
  private final String unitName;
  private final long acquiredNanos;
  private final long waitNanos;
  /** The connection objects it is known by: the one the application got, and the pool's inside a wrapper. */
  io.querylens.internal.IdentityKey.Stored[] keys;
  private volatile long closedNanos;
  private volatile boolean leakReported;
  // Written by the taking thread around each statement, read racily by the worker: plain fields, no fences per
  // statement; a stale read only shows a holder's previous statement.
  private StatementShape lastShape;
  private long statementStartNanos;
  private StatementShape runningShape;
  private String runningSql;
  // Where an unpooled connection came from (a pool's is its pool's source): what an EXPLAIN connects through.
  Object unpooledSource;
  String driverUrl;
  java.util.Properties driverInfo;

  Checkout(
      long number, TrackedPool pool, CallSite callSite, String threadName, Object unit, String unitName,
      long acquiredNanos, long waitNanos) {
    this.number = number;
    this.pool = pool;
    this.callSite = callSite;
    this.threadName = threadName;
    this.unit = unit;
    this.unitName = unitName;
    this.acquiredNanos = acquiredNanos;
    this.waitNanos = waitNanos;
  }

  /** Counts checkouts since start: tells two checkouts from one call site apart. */
  public long number() {
    return number;
  }

  public TrackedPool pool() {
    return pool;
  }

  /**
   * What the connection came from, to open another to the same database: the pool (a {@code DataSource}) for a pooled
   * connection, else the {@code DataSource} or {@code Driver} the application called; null once a pool was collected.
   */
  public Object source() {
    return pool.kind().isPooled() ? pool.source() : unpooledSource;
  }

  /** The URL given to {@code Driver.connect} when {@link #source()} is a driver, else null. */
  public String driverUrl() {
    return driverUrl;
  }

  /** The properties (credentials included: never log them) given to {@code Driver.connect}, else null. */
  public java.util.Properties driverInfo() {
    return driverInfo;
  }

  /** Where the application took the connection; {@link CallSite#UNKNOWN} when it was not recorded (sampling). */
  public CallSite callSite() {
    return callSite;
  }

  /** Whether the call site was recorded. */
  public boolean hasCallSite() {
    return callSite != CallSite.UNKNOWN;
  }

  public String threadName() {
    return threadName;
  }

  /** The unit of work it was taken in (a request, a scope), or null outside one. */
  public Object unit() {
    return unit;
  }

  /** The unit's name, or the thread's when taken outside a unit. */
  public String unitName() {
    return unitName;
  }

  public long acquiredNanos() {
    return acquiredNanos;
  }

  /** How long {@code getConnection()} took. */
  public long waitNanos() {
    return waitNanos;
  }

  /** How long it has been held at {@code nowNanos}, or was held if closed. */
  public long heldNanos(long nowNanos) {
    long closed = closedNanos;
    return (closed != 0 ? closed : nowNanos) - acquiredNanos;
  }

  public boolean isClosed() {
    return closedNanos != 0;
  }

  /** Marks it closed; true for the one caller that did (a close and the collector's purge may race). */
  synchronized boolean close(long nowNanos) {
    if (closedNanos != 0) {
      return false;
    }
    closedNanos = nowNanos == 0 ? 1 : nowNanos;
    return true;
  }

  /** Marks it reported as a leak; true the first time only. */
  public synchronized boolean markLeakReported() {
    if (leakReported) {
      return false;
    }
    leakReported = true;
    return true;
  }

  public boolean isLeakReported() {
    return leakReported;
  }

  /** The shape of the last statement that ran on it (from the taking thread), or null. */
  public StatementShape lastShape() {
    return lastShape;
  }

  /** When the statement running on it now started, or 0 when none runs. */
  public long statementStartNanos() {
    return statementStartNanos;
  }

  /** The shape of the statement running on it now, when known at its start (a prepared statement), or null. */
  public StatementShape runningShape() {
    return runningShape;
  }

  /** The SQL of the statement running on it now, when given at its start ({@code execute(sql)}), or null. */
  public String runningSql() {
    return runningSql;
  }

  void statementStarted(long startNanos, StatementShape shape, String sql) {
    statementStartNanos = startNanos;
    runningShape = shape;
    runningSql = sql;
  }

  void statementEnded(StatementShape shape) {
    statementStartNanos = 0;
    runningShape = null;
    runningSql = null;
    if (shape != null && !shape.isPlaceholder()) {
      lastShape = shape;
    }
  }
}
