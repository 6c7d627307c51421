package io.querylens.pool;

import io.querylens.internal.IdentityKey;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * One application thread's connection bookkeeping: the {@code getConnection()} in progress (nested calls, a wrapper's
 * and the pool's inside it, count as one), the connections it took and has not closed, and the one it took last.
 * Only its own thread writes it; querylens' worker and a thread closing a connection taken here read its open
 * checkouts (and the worker takes them over once the thread has ended).
 */
public final class ThreadConnections {

  /**
   * Open checkouts kept here before the tracker's shared map is needed. Nearly every connection is closed by the
   * thread that took it, having taken at most a few others meanwhile: this answers that close with no identity hash,
   * no shared map and no lock. A thread holding more spills into the shared map.
   */
  static final int OPEN_SLOTS = 8;
  private static final VarHandle SLOT = MethodHandles.arrayElementVarHandle(Checkout[].class);
  private static final VarHandle ACQUIRING_FROM;

  static {
    try {
      ACQUIRING_FROM = MethodHandles.lookup().findVarHandle(ThreadConnections.class, "acquiringFrom",
          TrackedPool.class);
    } catch (ReflectiveOperationException impossible) {
      throw new ExceptionInInitializerError(impossible);
    }
  }

  /** Written with release semantics by this thread, read with acquire semantics by others. */
  private final Checkout[] open = new Checkout[OPEN_SLOTS];
  /** True while this thread is inside the {@code close()} of a connection it found here (set by the tracker). */
  boolean closing;

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
  /**
   * The pool this thread took its last connection from: a thread takes from one pool nearly always, and finding it
   * again is then a reference compare instead of two class lookups and a scan of the pools. The pool object itself is
   * held weakly, by the tracked pool; a collected pool's figures stay reachable from here until the thread takes a
   * connection from another pool or ends (a few kilobytes per thread at most).
   */
  TrackedPool lastPool;
  /** The connections returned by the nested calls, the outer one last; all close with the checkout. */
  Object innerConnection;
  /**
   * The pool this thread is inside getConnection() of, and since when: written with release semantics after the time,
   * read by the worker with acquire semantics before it (see {@link #acquiringStarted}, {@link #acquiringFrom()}).
   */
  private TrackedPool acquiringFrom;
  private long acquiringSince;
  /** Checkouts since this thread last recorded a call site (sampling). */
  int sinceSiteRecorded;
  /** The connection taken last on this thread and not closed: statements on this thread are credited to it. */
  Checkout latest;

  /** Keeps {@code checkout} in a free slot (an empty one, or one closed on another thread); false when none is free. */
  boolean keep(Checkout checkout) {
    for (int i = 0; i < OPEN_SLOTS; i++) {
      Checkout slot = open[i];
      if (slot == null || slot.isClosed()) {
        SLOT.setRelease(open, i, checkout);
        return true;
      }
    }
    return false;
  }

  /**
   * The open checkout of {@code connection} kept here, now removed from its slot, or null; slots of checkouts closed
   * elsewhere are emptied on the way (they would keep what they hold reachable). This thread only.
   */
  Checkout takeBack(Object connection) {
    Checkout found = null;
    for (int i = 0; i < OPEN_SLOTS; i++) {
      Checkout slot = open[i];
      if (slot == null) {
        continue;
      }
      if (slot.isClosed()) {
        SLOT.setRelease(open, i, null);
      } else if (found == null && slot.holds(connection)) {
        SLOT.setRelease(open, i, null);
        found = slot;
      }
    }
    return found;
  }

  /** The open checkout of {@code connection} kept here, or null; safe from any thread. */
  Checkout find(Object connection) {
    for (int i = 0; i < OPEN_SLOTS; i++) {
      Checkout slot = (Checkout) SLOT.getAcquire(open, i);
      if (slot != null && !slot.isClosed() && slot.holds(connection)) {
        return slot;
      }
    }
    return null;
  }

  /**
   * Empties the slot of {@code checkout}, closed by another thread: only if it still holds it (this thread may have
   * reused the slot meanwhile; it never writes a slot but to replace a closed or empty one).
   */
  void forget(Checkout checkout) {
    for (int i = 0; i < OPEN_SLOTS; i++) {
      if (SLOT.compareAndSet(open, i, checkout, null)) {
        return;
      }
    }
  }

  /** How many slots hold a checkout, open or not (tests). */
  int keptCount() {
    int kept = 0;
    for (int i = 0; i < OPEN_SLOTS; i++) {
      if (SLOT.getAcquire(open, i) != null) {
        kept++;
      }
    }
    return kept;
  }

  /** Adds the open checkouts kept here to {@code into}, read from another thread. */
  void addOpenTo(java.util.Collection<Checkout> into) {
    for (int i = 0; i < OPEN_SLOTS; i++) {
      Checkout slot = (Checkout) SLOT.getAcquire(open, i);
      if (slot != null && !slot.isClosed()) {
        into.add(slot);
      }
    }
  }

  /** Empties the slots: the worker, once this thread has ended and its open checkouts were moved elsewhere. */
  void forgetOpen() {
    for (int i = 0; i < OPEN_SLOTS; i++) {
      SLOT.setRelease(open, i, null);
    }
  }

  /** This thread enters {@code getConnection()} of {@code pool} at {@code nowNanos}. This thread only. */
  void acquiringStarted(TrackedPool pool, long nowNanos) {
    acquiringSince = nowNanos;
    ACQUIRING_FROM.setRelease(this, pool);
  }

  /** The pool whose {@code getConnection()} this thread is in, now forgotten (this thread only), or null. */
  TrackedPool acquiringEnded() {
    TrackedPool pool = acquiringFrom;
    if (pool != null) {
      ACQUIRING_FROM.setRelease(this, (TrackedPool) null);
    }
    return pool;
  }

  /** The pool whose {@code getConnection()} this thread is in, or null; read from another thread. */
  TrackedPool acquiringFrom() {
    return (TrackedPool) ACQUIRING_FROM.getAcquire(this);
  }

  /** Since when this thread is in a pool's {@code getConnection()}: read after {@link #acquiringFrom()}. */
  long acquiringSince() {
    return acquiringSince;
  }

  /** The {@code close()} of a connection taken here has returned or thrown. */
  public void closeEnded() {
    closing = false;
  }

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
    reset();
  }

  void reset() {
    closing = false;
    acquiringEnded();
    depth = 0;
    outerSource = null;
    connectUrl = null;
    connectInfo = null;
    credentialsGiven = false;
    poolSource = null;
    innerConnection = null;
  }
}
