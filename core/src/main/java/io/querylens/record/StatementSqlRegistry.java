package io.querylens.record;

import io.querylens.internal.Diagnostics;
import io.querylens.sql.ResolvedSql;
import java.lang.ref.Reference;
import java.lang.ref.ReferenceQueue;
import java.lang.ref.WeakReference;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Remembers the SQL each prepared statement was created with, so that {@code execute()} (which has no SQL argument)
 * can be attributed. Keys are weak and compared by identity: a statement the application drops without closing does
 * not stay reachable through querylens; the worker purges cleared keys. Bounded: past the cap, new statements are not
 * remembered (their executions count under a placeholder shape) and the drop is counted.
 */
final class StatementSqlRegistry {

  private final ConcurrentHashMap<Object, ResolvedSql> byStatement = new ConcurrentHashMap<>();
  private final ReferenceQueue<Object> cleared = new ReferenceQueue<>();
  private final int capacity;

  StatementSqlRegistry(int capacity) {
    this.capacity = capacity;
  }

  void put(Object statement, ResolvedSql sql) {
    if (byStatement.size() >= capacity) {
      Diagnostics.dropped("prepared statement SQL", "more than " + capacity
          + " prepared statements are open at once; executions of further ones are counted without their SQL");
      return;
    }
    byStatement.put(new StatementKey(statement, cleared), sql);
  }

  /** The SQL of {@code statement}, or null; {@code probe} is the caller's reusable lookup key. */
  ResolvedSql get(Object statement, LookupKey probe) {
    probe.target = statement;
    try {
      return byStatement.get(probe);
    } finally {
      probe.target = null;
    }
  }

  void remove(Object statement, LookupKey probe) {
    probe.target = statement;
    try {
      byStatement.remove(probe);
    } finally {
      probe.target = null;
    }
  }

  /** Drops entries whose statements were garbage collected; runs on the worker. */
  void purge() {
    Reference<?> reference;
    while ((reference = cleared.poll()) != null) {
      byStatement.remove(reference);
    }
  }

  int size() {
    return byStatement.size();
  }

  /** Something that stands for one statement object. */
  interface Target {
    Object target();
  }

  /** A stored key: holds its statement weakly; equal to any key standing for the same object. */
  static final class StatementKey extends WeakReference<Object> implements Target {
    private final int hash;

    StatementKey(Object statement, ReferenceQueue<Object> queue) {
      super(statement, queue);
      this.hash = System.identityHashCode(statement);
    }

    @Override
    public Object target() {
      return get();
    }

    @Override
    public int hashCode() {
      return hash;
    }

    @Override
    public boolean equals(Object other) {
      if (other == this) {
        return true;
      }
      if (!(other instanceof Target key)) {
        return false;
      }
      Object mine = get();
      return mine != null && mine == key.target();
    }
  }

  /** A reusable probe for lookups, so that a lookup allocates nothing. Owned by one thread. */
  static final class LookupKey implements Target {
    Object target;

    @Override
    public Object target() {
      return target;
    }

    @Override
    public int hashCode() {
      return System.identityHashCode(target);
    }

    @Override
    public boolean equals(Object other) {
      return other instanceof Target key && target != null && target == key.target();
    }
  }
}
