package io.querylens.record;

import io.querylens.internal.Diagnostics;
import io.querylens.internal.IdentityKey;
import io.querylens.sql.ResolvedSql;
import java.lang.ref.Reference;
import java.lang.ref.ReferenceQueue;
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
    byStatement.put(new IdentityKey.Stored(statement, cleared), sql);
  }

  /** The SQL of {@code statement}, or null; {@code probe} is the caller's reusable lookup key. */
  ResolvedSql get(Object statement, IdentityKey.Probe probe) {
    try {
      return byStatement.get(probe.of(statement));
    } finally {
      probe.clear();
    }
  }

  void remove(Object statement, IdentityKey.Probe probe) {
    try {
      byStatement.remove(probe.of(statement));
    } finally {
      probe.clear();
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
}
