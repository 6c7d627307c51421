package io.querylens.pool;

import io.querylens.callsite.CallSite;
import io.querylens.internal.IdentityKey;
import io.querylens.sql.StatementShape;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.lang.ref.ReferenceQueue;
import java.lang.ref.WeakReference;

/**
 * One connection taken from a {@link TrackedPool} and not yet closed: who took it, where, when, and what it ran last.
 * Kept only while the connection is out, so its cost ends with the checkout. It is itself the weak reference to the
 * connection the application got (one object per checkout, no identity hash): when the garbage collector clears it,
 * the connection was dropped without {@code close()}. Its {@link #enqueue()} and {@link #clear()} do nothing: only the
 * garbage collector decides that.
 */
public final class Checkout extends WeakReference<Object> implements ConnectionTracker.Outcome {

  private static final VarHandle CLOSED_NANOS;

  static {
    try {
      CLOSED_NANOS = MethodHandles.lookup().findVarHandle(Checkout.class, "closedNanos", long.class);
    } catch (ReflectiveOperationException impossible) {
      throw new ExceptionInInitializerError(impossible);
    }
  }

  private final TrackedPool pool;
  private final CallSite callSite;
  private final String threadName;
  private final Object unit;
  private final String unitName;
  private final long acquiredNanos;
  private final long waitNanos;
  /** The pool's connection inside a wrapper's (the referent), or null when the application got the pool's own. */
  private final WeakReference<Object> inner;
  /** Its keys in the tracker's shared map while it is there (see {@link ThreadConnections}), else null. */
  IdentityKey.Stored[] sharedKeys;
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
      Object connection, Object innerConnection, ReferenceQueue<Object> collected, TrackedPool pool, CallSite callSite,
      String threadName, Object unit, String unitName, long acquiredNanos, long waitNanos) {
    super(connection, collected);
    this.inner = innerConnection == null || innerConnection == connection ? null
        : new WeakReference<>(innerConnection);
    this.pool = pool;
    this.callSite = callSite;
    this.threadName = threadName;
    this.unit = unit;
    this.unitName = unitName;
    this.acquiredNanos = acquiredNanos;
    this.waitNanos = waitNanos;
  }

  /** Does nothing: a checkout is reported lost only when the collector finds its connection unreachable. */
  @Override
  public boolean enqueue() {
    return false;
  }

  /** Does nothing: a cleared checkout could never be found, and so never closed. */
  @Override
  public void clear() {}

  /** Whether {@code connection} is this checkout's: the one the application got, or the pool's inside it. */
  boolean holds(Object connection) {
    return refersTo(connection) || inner != null && inner.refersTo(connection);
  }

  /** The connection objects it is known by that are still reachable: the application's, then the pool's. */
  Object[] connections() {
    Object outer = get();
    Object pools = inner == null ? null : inner.get();
    return outer == null ? new Object[0] : pools == null ? new Object[] {outer} : new Object[] {outer, pools};
  }

  @Override
  public Checkout checkout() {
    return this;
  }

  @Override
  public boolean timedOut() {
    return false;
  }

  @Override
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
  @Override
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

  /**
   * Marks it closed; true for the one caller that did (a close on another thread and the collector's purge may race
   * with the taking thread's close). One compare-and-set, no lock.
   */
  boolean close(long nowNanos) {
    return closedNanos == 0 && CLOSED_NANOS.compareAndSet(this, 0L, nowNanos == 0 ? 1 : nowNanos);
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
