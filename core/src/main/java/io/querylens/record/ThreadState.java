package io.querylens.record;

import io.querylens.callsite.CallSiteResolver;
import io.querylens.internal.IdentityKey;
import io.querylens.pool.ThreadConnections;
import io.querylens.sql.ResolvedSql;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.Arrays;

/**
 * Everything querylens keeps per application thread: the execution in progress, the bind values of the statement
 * being prepared for execution, batch rows, and the thread's units of work. Only its own thread touches it, except the
 * worker ending an idle burst (see {@link UnitOfWork}).
 */
final class ThreadState {

  /** Bind parameters tracked by index; a statement with more folds the rest into one hash. */
  private static final int MAX_PARAMETERS = 32;
  /** Statements whose bind values are kept at once: a pool's wrapper, the driver's statement, and one spare. */
  private static final int BIND_SLOTS = 3;
  /** Statements this thread prepared and has not closed, kept here before the shared map is needed. */
  private static final int PENDING_SLOTS = 8;
  private static final int MAX_RENDERED_PARAMETER = 64;
  static final int MAX_BATCH_SQL = 64;

  final Execution execution;
  /** The thread, to tell when its state can be forgotten. */
  final java.lang.ref.WeakReference<Thread> thread;
  final IdentityKey.Probe probe = new IdentityKey.Probe();
  final String threadName;
  /** True on querylens' own threads: their statements (e.g. EXPLAIN) are not recorded. */
  boolean suppressed;

  /**
   * Bind values of the last few statements bound on this thread. More than one, because a pool's statement and the
   * driver's statement it delegates to are both bound (the pool's {@code setLong} calls the driver's): each keeps its
   * own values, and the execution looks up the one it ran on.
   */
  private final BindSlot[] bindSlots = new BindSlot[BIND_SLOTS];
  private int nextBindSlot;
  private final boolean keepParameterValues;

  /**
   * The SQL of the statements this thread prepared most recently and has not closed. Applications prepare, execute and
   * close on one thread, so this answers nearly every lookup without the shared map, its identity hashes and its weak
   * references. Other threads may read it (a statement run on another thread than the one that prepared it), hence
   * the immutable pairs; only this thread writes it.
   */
  private final PendingStatement[] pending = new PendingStatement[PENDING_SLOTS];
  private int nextPending;

  // SQL added with addBatch(String) to one plain statement.
  Object batchStatement;
  final String[] batchSql = new String[MAX_BATCH_SQL];
  int batchSqlCount;

  /** The getConnection() in progress and the connection this thread's statements run on. */
  final ThreadConnections connections = new ThreadConnections();

  // Units of work: the outermost open request/scope/transaction, else the current burst.
  UnitOfWork current;
  Object manualCommitConnection;
  UnitOfWork burst;

  /**
   * Statements this thread ran: written by this thread alone (an opaque store, a plain move on x86), summed when the
   * count is asked for. No counter shared by all threads on the statement path.
   */
  private long statements;
  private static final VarHandle STATEMENTS;

  static {
    try {
      STATEMENTS = MethodHandles.lookup().findVarHandle(ThreadState.class, "statements", long.class);
    } catch (ReflectiveOperationException impossible) {
      throw new ExceptionInInitializerError(impossible);
    }
  }

  ThreadState(Thread thread, CallSiteResolver callSites, boolean keepParameterValues) {
    this.thread = new java.lang.ref.WeakReference<>(thread);
    this.threadName = thread.getName();
    this.execution = new Execution(this, callSites);
    this.keepParameterValues = keepParameterValues;
  }

  /** Counts a statement this thread ran (this thread only). */
  void countStatement() {
    STATEMENTS.setOpaque(this, statements + 1);
  }

  /** Statements this thread ran so far; read from any thread. */
  long statements() {
    return (long) STATEMENTS.getOpaque(this);
  }

  /**
   * Remembers a statement this thread prepared. Returns the entry it displaced when every slot was taken (a statement
   * left open while others were prepared), for the shared map, else null.
   */
  PendingStatement addPending(PendingStatement entry) {
    for (int i = 0; i < PENDING_SLOTS; i++) {
      PendingStatement slot = pending[i];
      if (slot == null || slot.statement() == entry.statement()) {
        pending[i] = entry;
        return null;
      }
    }
    int victim = nextPending;
    nextPending = (victim + 1) % PENDING_SLOTS;
    PendingStatement displaced = pending[victim];
    pending[victim] = entry;
    return displaced;
  }

  /** The SQL of a statement this thread prepared and still holds, or null. Safe to call from any thread. */
  ResolvedSql pendingSql(Object statement) {
    for (int i = 0; i < PENDING_SLOTS; i++) {
      PendingStatement slot = pending[i];
      if (slot != null && slot.statement() == statement) {
        return slot.sql();
      }
    }
    return null;
  }

  /** Forgets a statement this thread prepared; false when it does not hold it. */
  boolean removePending(Object statement) {
    for (int i = 0; i < PENDING_SLOTS; i++) {
      PendingStatement slot = pending[i];
      if (slot != null && slot.statement() == statement) {
        pending[i] = null;
        return true;
      }
    }
    return false;
  }

  /**
   * Keeps bind parameter {@code index} of {@code statement}: its hash, its value when values are kept, and whether it
   * is a string starting with a LIKE wildcard ({@code %} or {@code _}).
   */
  void bind(Object statement, int index, long valueHash, Object value, boolean leadingWildcard) {
    slotFor(statement, true).bind(index, valueHash, value, leadingWildcard);
  }

  /** Keeps whole-number bind parameter {@code index} of {@code statement}: as {@link #bind}, and its value. */
  void bindLong(Object statement, int index, long valueHash, long value, Object kept) {
    BindSlot slot = slotFor(statement, true);
    slot.bind(index, valueHash, kept, false);
    slot.keepLong(index, value);
  }

  /**
   * The whole number bound to parameter {@code index} (1-based) of {@code statement} on this thread, or
   * {@code Long.MIN_VALUE} when none is (another type, not bound, or past the 32nd parameter).
   */
  long boundLong(Object statement, int index) {
    BindSlot slot = statement == null ? null : slotFor(statement, false);
    return slot == null ? Long.MIN_VALUE : slot.longAt(index);
  }

  /** Forgets the bind values of {@code statement} (cleared or closed). */
  void forgetParameters(Object statement) {
    BindSlot slot = slotFor(statement, false);
    if (slot != null) {
      slot.clear();
      slot.statement = null;
    }
  }

  /**
   * The parameters of {@code statement} (bit i for parameter i, below 64) bound to a string starting with {@code %} or
   * {@code _}.
   */
  long leadingWildcardParameters(Object statement) {
    BindSlot slot = statement == null ? null : slotFor(statement, false);
    return slot == null ? 0 : slot.leadingWildcards;
  }

  /** A hash of the current bind values of {@code statement}; 0 when it has none bound on this thread. */
  long parameterHash(Object statement) {
    BindSlot slot = statement == null ? null : slotFor(statement, false);
    return slot == null ? 0 : slot.hash();
  }

  /** The bound values of {@code statement} as {@code [1=42, 2='x']}, or null when values are not kept. */
  String renderParameters(Object statement) {
    BindSlot slot = statement == null ? null : slotFor(statement, false);
    return slot == null ? null : slot.render();
  }

  private BindSlot slotFor(Object statement, boolean create) {
    for (BindSlot slot : bindSlots) {
      if (slot != null && slot.statement == statement) {
        return slot;
      }
    }
    if (!create) {
      return null;
    }
    int index = nextBindSlot;
    nextBindSlot = (index + 1) % BIND_SLOTS;
    BindSlot slot = bindSlots[index];
    if (slot == null) {
      slot = new BindSlot(keepParameterValues);
      bindSlots[index] = slot;
    } else {
      slot.clear();
    }
    slot.statement = statement;
    return slot;
  }

  /** The bind values of one statement: a hash per parameter index, and the values only when they are shown. */
  private static final class BindSlot {
    Object statement;
    private final long[] hashes = new long[MAX_PARAMETERS + 1];
    private final Object[] values;
    private int highest;
    private long folded;
    /** Bit i set: parameter i (1 to 63) holds a string starting with a LIKE wildcard; later ones are not tracked. */
    long leadingWildcards;
    /** Bit i set: parameter i holds the whole number {@code longs[i]} (an OFFSET's value, say). */
    private long wholeNumbers;
    private final long[] longs = new long[MAX_PARAMETERS + 1];

    void keepLong(int index, long value) {
      if (index >= 1 && index <= MAX_PARAMETERS) {
        longs[index] = value;
        wholeNumbers |= 1L << index;
      }
    }

    long longAt(int index) {
      return index >= 1 && index <= MAX_PARAMETERS && (wholeNumbers & 1L << index) != 0 ? longs[index]
          : Long.MIN_VALUE;
    }

    BindSlot(boolean keepValues) {
      values = keepValues ? new Object[MAX_PARAMETERS + 1] : null;
    }

    void bind(int index, long valueHash, Object value, boolean leadingWildcard) {
      if (leadingWildcard) {
        leadingWildcards |= wildcardBit(index);
      } else {
        leadingWildcards &= ~wildcardBit(index);
      }
      wholeNumbers &= ~wildcardBit(index);
      if (index >= 1 && index <= MAX_PARAMETERS) {
        hashes[index] = valueHash;
        if (index > highest) {
          highest = index;
        }
        if (values != null) {
          values[index] = value;
        }
      } else {
        folded = folded * 31 + valueHash * (index | 1);
      }
    }

    void clear() {
      if (highest > 0) {
        Arrays.fill(hashes, 0, highest + 1, 0L);
        if (values != null) {
          Arrays.fill(values, 0, highest + 1, null);
        }
      }
      highest = 0;
      folded = 0;
      leadingWildcards = 0;
      wholeNumbers = 0;
    }

    private static long wildcardBit(int index) {
      return index >= 1 && index < 64 ? 1L << index : 0L;
    }

    long hash() {
      long hash = folded;
      for (int i = 1; i <= highest; i++) {
        hash = hash * 0x100000001B3L + hashes[i];
      }
      return hash;
    }

    String render() {
      if (values == null || highest == 0) {
        return null;
      }
      StringBuilder text = new StringBuilder("[");
      for (int i = 1; i <= highest; i++) {
        if (i > 1) {
          text.append(", ");
        }
        text.append(i).append('=').append(ThreadState.render(values[i]));
      }
      return text.append(']').toString();
    }
  }

  private static String render(Object value) {
    if (value == null) {
      return "null";
    }
    String text;
    try {
      text = value instanceof byte[] bytes ? "<" + bytes.length + " bytes>" : String.valueOf(value);
    } catch (RuntimeException failed) {
      text = "<" + value.getClass().getSimpleName() + ">";
    }
    if (text.length() > MAX_RENDERED_PARAMETER) {
      text = text.substring(0, MAX_RENDERED_PARAMETER) + "...";
    }
    return value instanceof CharSequence ? "'" + text + "'" : text;
  }

  /** Remembers SQL added to a plain statement's batch; a pool's wrapper and the driver's statement both count. */
  void addBatch(Object statement, String sql) {
    if (batchSqlCount == 0) {
      batchStatement = statement;
    }
    if (sql != null && batchSqlCount < MAX_BATCH_SQL) {
      batchSql[batchSqlCount++] = sql;
    }
  }

  void clearBatch() {
    batchStatement = null;
    Arrays.fill(batchSql, 0, batchSqlCount, null);
    batchSqlCount = 0;
  }

  /** The first SQL added with {@code addBatch(String)} since the last batch ran, or null. */
  String firstBatchSql() {
    return batchSqlCount > 0 ? batchSql[0] : null;
  }
}
