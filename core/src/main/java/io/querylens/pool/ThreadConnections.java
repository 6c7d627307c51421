package io.querylens.pool;

import io.querylens.internal.IdentityKey;

/**
 * One application thread's connection bookkeeping: the {@code getConnection()} in progress (nested calls, a wrapper's
 * and the pool's inside it, count as one) and the connection it took last. Only its own thread touches it.
 */
public final class ThreadConnections {

  final IdentityKey.Probe probe = new IdentityKey.Probe();
  int depth;
  long startNanos;
  Object outerSource;
  /** The URL and properties of the outermost call when it is {@code Driver.connect}, else null. */
  String connectUrl;
  java.util.Properties connectInfo;
  /** Whether the outermost call was {@code getConnection(user, password)}. */
  boolean credentialsGiven;
  /** The first recognised pool among the nested sources, else null. */
  Object poolSource;
  /** The connections returned by the nested calls, the outer one last; all close with the checkout. */
  Object innerConnection;
  /** The pool this thread is inside getConnection() of, and since when: read racily by the worker. */
  TrackedPool acquiringFrom;
  long acquiringSince;
  /** Checkouts since this thread last recorded a call site (sampling). */
  int sinceSiteRecorded;
  /** The connection taken last on this thread and not closed: statements on this thread are credited to it. */
  Checkout latest;

  /** The checkout this thread's statements run on now, or null. */
  public Checkout latest() {
    return latest;
  }

  /**
   * A statement starts on this thread: it runs on the connection taken last ({@link #latest}, checked by the caller
   * first, so that the statement's shape is looked up only when a connection is held).
   *
   * @param shape its shape when known now (a prepared statement's), else null
   * @param sql the SQL given to {@code execute(sql)}, else null
   */
  public void statementStarted(long startNanos, io.querylens.sql.StatementShape shape, String sql) {
    Checkout checkout = latest;
    if (checkout != null) {
      checkout.statementStarted(startNanos, shape, sql);
    }
  }

  /** The statement started last has ended. */
  public void statementEnded(io.querylens.sql.StatementShape shape) {
    Checkout checkout = latest;
    if (checkout != null) {
      checkout.statementEnded(shape);
    }
  }

  /** Forgets the getConnection() in progress (its hook failed, so its end will not be reported). */
  public void abandon() {
    TrackedPool pool = acquiringFrom;
    if (pool != null) {
      pool.acquiringFinished();
    }
    reset();
  }

  void reset() {
    acquiringFrom = null;
    depth = 0;
    outerSource = null;
    connectUrl = null;
    connectInfo = null;
    credentialsGiven = false;
    poolSource = null;
    innerConnection = null;
  }
}
