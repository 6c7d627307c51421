package io.querylens.record;

import io.querylens.internal.Diagnostics;
import io.querylens.pool.Checkout;
import io.querylens.sql.ResolvedSql;
import io.querylens.sql.StatementShape;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One unit of work: an HTTP request, an explicit scope, a transaction, or a burst of statements on one thread.
 * Detectors count per unit. Written by the thread that owns it; ended exactly once, by that thread or, for an idle
 * burst, by querylens' worker.
 *
 * <p>A burst can be ended by the worker while its thread wakes up and writes to it, so its owner writes only between
 * {@link #claim()} and {@link #release()}, and the worker ends it only from the open state: whoever changes the state
 * first wins, and the loser leaves the unit alone.
 */
public final class UnitOfWork {

  private static final int MAX_TALLIES = 4096;

  private final UnitKind kind;
  private String name;
  private final long startNanos;
  /** Written by the owner with a release store, read by the worker with an acquire load: no fence per statement. */
  private long lastActivityNanos;
  private static final int OPEN = 0;
  private static final int BUSY = 1;
  private static final int ENDED = 2;

  private final AtomicInteger state = new AtomicInteger(OPEN);
  private static final VarHandle LAST_ACTIVITY_NANOS;

  static {
    try {
      LAST_ACTIVITY_NANOS = MethodHandles.lookup().findVarHandle(UnitOfWork.class, "lastActivityNanos", long.class);
    } catch (ReflectiveOperationException impossible) {
      throw new ExceptionInInitializerError(impossible);
    }
  }
  private ClassLoader contextLoader;
  final ThreadState owner;

  private ShapeTally[] table = new ShapeTally[16];
  private int tallyCount;
  private int statements;
  private long databaseNanos;

  UnitOfWork(UnitKind kind, String name, long startNanos, ThreadState owner) {
    this.kind = kind;
    this.name = name;
    this.startNanos = startNanos;
    this.lastActivityNanos = startNanos;
    this.owner = owner;
    this.contextLoader = Thread.currentThread().getContextClassLoader();
  }

  /** The context class loader of the thread that opened the unit (where the application's logging lives). */
  public ClassLoader contextLoader() {
    return contextLoader;
  }

  public UnitKind kind() {
    return kind;
  }

  /** What the unit is: {@code GET /feed}, a scope's name, a thread's name. */
  public String name() {
    return name;
  }

  /**
   * Names the unit after its route ({@code GET /owners/{ownerId}} for {@code GET /owners/42}), which a framework
   * only knows once it has dispatched the request. Only by the owner, before the unit ends.
   */
  void rename(String routeName) {
    this.name = routeName;
  }

  /** How a message names it: {@code request GET /feed}, {@code statements on thread main}. */
  public String description() {
    return kind.label() + " " + name;
  }

  public long startNanos() {
    return startNanos;
  }

  long lastActivityNanos() {
    return (long) LAST_ACTIVITY_NANOS.getAcquire(this);
  }

  /** Statements executed in the unit. */
  public int statements() {
    return statements;
  }

  /** Time spent executing them. */
  public long databaseNanos() {
    return databaseNanos;
  }

  public boolean isEnded() {
    return state.get() == ENDED;
  }

  /** Every shape's tally, in first-seen order of the table (stable for one unit). */
  public List<ShapeTally> tallies() {
    ShapeTally[] current = table;
    List<ShapeTally> result = new ArrayList<>(tallyCount);
    if (current != null) {
      for (ShapeTally tally : current) {
        if (tally != null) {
          result.add(tally);
        }
      }
    }
    return result;
  }

  /** The owner takes the unit to write to it; false when it was ended meanwhile. */
  boolean claim() {
    return state.compareAndSet(OPEN, BUSY);
  }

  /** The owner is done writing. A release store: cheap, and it publishes the writes to a worker that ends the unit. */
  void release() {
    state.setRelease(OPEN);
  }

  /** Marks the unit ended; true for the one caller that gets to evaluate it. Fails while the owner is writing. */
  boolean markEnded() {
    return state.compareAndSet(OPEN, ENDED);
  }

  /** Lets go of what the unit held once it was judged: its tallies, connections and the application's class loader. */
  public void discard() {
    table = null;
    contextLoader = null;
    checkouts = null;
  }

  /** Connections taken in a request, scope or capture are remembered, so its end can tell which are still open. */
  private static final int MAX_CHECKOUTS = 16;
  /** A test's capture may take many connections at once (a concurrent test); it has no leak timer behind it. */
  private static final int MAX_CAPTURE_CHECKOUTS = 1024;
  private Checkout[] checkouts;
  private int checkoutCount;

  /** The owner took a connection in this unit (a capture's writer holds the capture's lock). */
  public void tookConnection(Checkout checkout) {
    if (kind != UnitKind.REQUEST && kind != UnitKind.SCOPE && kind != UnitKind.CAPTURE) {
      return;
    }
    if (checkouts == null) {
      checkouts = new Checkout[2];
    } else if (checkoutCount == checkouts.length) {
      int max = kind == UnitKind.CAPTURE ? MAX_CAPTURE_CHECKOUTS : MAX_CHECKOUTS;
      if (checkoutCount == max) {
        // Forget closed ones to make room; a unit holding more than this many open is watched by the leak timer.
        int kept = 0;
        for (int i = 0; i < checkoutCount; i++) {
          if (!checkouts[i].isClosed()) {
            checkouts[kept++] = checkouts[i];
          }
        }
        java.util.Arrays.fill(checkouts, kept, checkoutCount, null);
        checkoutCount = kept;
        if (kept == max) {
          return;
        }
      } else {
        checkouts = java.util.Arrays.copyOf(checkouts, Math.min(max, checkoutCount * 2));
      }
    }
    checkouts[checkoutCount++] = checkout;
  }

  /** Connections taken in this unit (a request or scope) and not closed yet. */
  public List<Checkout> openConnections() {
    Checkout[] taken = checkouts;
    if (taken == null) {
      return List.of();
    }
    List<Checkout> open = new ArrayList<>();
    for (Checkout checkout : taken) {
      if (checkout != null && !checkout.isClosed()) {
        open.add(checkout);
      }
    }
    return open;
  }

  /**
   * A unit nobody's thread is in: a test's capture, fed by its listener. Its writer must hold the unit's monitor when
   * several threads feed it.
   */
  public static UnitOfWork detached(UnitKind kind, String name) {
    return new UnitOfWork(kind, name, System.nanoTime(), null);
  }

  /**
   * Counts {@code execution} in the tally of its shape: a batch, a set-based read, or a single-row execution with its
   * values (walking the call site only when the tally needs it).
   */
  public void tally(Execution execution, int threshold, boolean keepParameters) {
    ResolvedSql resolved = execution.resolved;
    ShapeTally tally = resolved.shape().isPlaceholder() ? null : tally(resolved.shape());
    if (tally == null) {
      return;
    }
    long nanos = execution.durationNanos;
    if (execution.batch) {
      tally.recordBatch(nanos);
    } else if (resolved.multiValued()) {
      tally.recordSetBased(nanos);
    } else {
      long valueHash = execution.valueHash;
      tally.record(nanos, valueHash, tally.needsCallSite(valueHash, threshold) ? execution.callSite() : null,
          threshold);
      if (keepParameters) {
        tally.keepSample(resolved.raw(), execution.parameters());
      }
    }
  }

  /**
   * Counts a statement. The last-activity time is a release store (a plain move on x86, where a volatile store is a
   * full fence): the worker only reads it to tell an idle burst; the tally itself reaches the worker that ends the
   * unit through {@link #release()} and {@link #markEnded()}.
   */
  public void countStatement(long nanos, long endNanos) {
    statements++;
    databaseNanos += nanos;
    LAST_ACTIVITY_NANOS.setRelease(this, endNanos);
  }

  /** The tally of {@code shape}, created on first use; null when the unit already tracks too many shapes. */
  ShapeTally tally(StatementShape shape) {
    if (table == null) {
      return null;
    }
    int mask = table.length - 1;
    int index = mix(shape.id()) & mask;
    while (true) {
      ShapeTally tally = table[index];
      if (tally == null) {
        break;
      }
      if (tally.shape() == shape) {
        return tally;
      }
      index = (index + 1) & mask;
    }
    if (tallyCount >= MAX_TALLIES) {
      Diagnostics.dropped("per-unit shape tallies", "a unit of work ran more than " + MAX_TALLIES
          + " distinct statement shapes; further ones are not checked for N+1 in that unit");
      return null;
    }
    ShapeTally created = new ShapeTally(shape);
    table[index] = created;
    if (++tallyCount * 2 > table.length) {
      grow();
    }
    return created;
  }

  private void grow() {
    ShapeTally[] old = table;
    table = new ShapeTally[old.length * 2];
    int mask = table.length - 1;
    for (ShapeTally tally : old) {
      if (tally != null) {
        int index = mix(tally.shape().id()) & mask;
        while (table[index] != null) {
          index = (index + 1) & mask;
        }
        table[index] = tally;
      }
    }
  }

  private static int mix(int id) {
    return id * 0x9E3779B9;
  }

  @Override
  public String toString() {
    return description();
  }
}
