package io.querylens.plan;

import io.querylens.internal.BoundedQueue;
import io.querylens.internal.Diagnostics;
import io.querylens.sql.IndexableExpressions;
import io.querylens.sql.LikePatterns;
import io.querylens.sql.SqlAnalyzer;
import io.querylens.sql.SqlStructure;
import io.querylens.sql.StatementKind;
import io.querylens.sql.StatementShape;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;
import java.util.regex.Pattern;

/**
 * Asks the database how it runs statement shapes, on a thread of its own ({@value #THREAD_NAME}), and turns full
 * scans of big tables into index advice. At most {@value #MAX_PER_SECOND} statements a second are planned, through a
 * connection of the application's own source taken only while the pool has one to spare and given back at once;
 * pending requests are bounded ({@value #QUEUE} shapes; more are dropped and counted).
 *
 * <p>A candidate is reported when its table has at least {@code minRows} rows, no index leads with its first column,
 * and the planner confirms it: with HypoPG, the statement's cost with the index built hypothetically is at most half
 * of today's; without, the advice is unverified and the scan's filter must keep at most a fifth of the rows (the
 * planner's estimate; on H2, which has none, estimated from a sample of the equality columns' values), or, with no
 * filter, the statement must sort and limit its rows (an index saves reading the whole table then).
 */
public final class IndexAdvisor implements AutoCloseable {

  public static final String THREAD_NAME = "querylens-index-advisor";
  static final int QUEUE = 1_000;
  static final int MAX_PER_SECOND = 10;
  /** Without a hypothetical index: the scan must return at most this share of the table. */
  static final double MAX_UNVERIFIED_SHARE = 0.2;
  private static final int MAX_BUSY_RETRIES = 50;
  static final long POOL_GRACE_MILLIS = 600;
  /** A pool's figures are read within 100 ms of its first use: waited for up to 20 x 50 ms. */
  private static final int MAX_NOT_READY_RETRIES = 20;
  private static final long BUSY_RETRY_NANOS = TimeUnit.MILLISECONDS.toNanos(200);

  /**
   * One shape to look at.
   *
   * @param shape the statement shape
   * @param sql the SQL one execution ran (kept only until it is planned; never reported)
   * @param bindMarkers whether its {@code ?} are bind markers (a prepared statement's), not operators
   * @param opener where to get a connection to its database
   * @param onAdvice receives each piece of advice, on the advisor's thread
   */
  public record Request(
      StatementShape shape, String sql, boolean bindMarkers, ConnectionOpener opener,
      Consumer<IndexAdvice> onAdvice) {}

  private record Pending(Request request, int attempts, long notBeforeNanos, boolean waitsForPool) {}

  private final SqlAnalyzer analyzer;
  private final long minRows;
  private final BoundedQueue<Pending> queue = new BoundedQueue<>(QUEUE);
  private final IndexCatalog catalog = new IndexCatalog();
  /** Requests submitted and not yet done (planned, dropped or given up). */
  private final AtomicInteger inFlight = new AtomicInteger();
  /** Those of them put back because their pool had no connection to spare: not waited for by {@link #awaitIdle}. */
  private final AtomicInteger waitingForPool = new AtomicInteger();
  /** Sources of databases querylens cannot plan for (advisor thread only; weak, so sources can go). */
  private final java.util.Set<Object> unsupported =
      java.util.Collections.newSetFromMap(new java.util.WeakHashMap<>());
  private volatile Thread thread;
  private volatile boolean closed;

  public IndexAdvisor(SqlAnalyzer analyzer, long minRows) {
    this.analyzer = analyzer;
    this.minRows = minRows;
  }

  /**
   * Queues {@code request}; never blocks, starts no thread (see {@link #start}). Returns false when it was dropped
   * (queue full, or closed).
   */
  public boolean submit(Request request) {
    if (closed) {
      return false;
    }
    inFlight.incrementAndGet();
    if (!queue.offer(new Pending(request, 0, 0, false))) {
      inFlight.decrementAndGet();
      Diagnostics.dropped("index advice", "more than " + QUEUE + " statement shapes are waiting to be planned");
      return false;
    }
    Thread running = thread;
    if (running != null) {
      LockSupport.unpark(running);
    }
    return true;
  }

  /**
   * Starts the advisor's thread, when querylens starts: never from an application thread's JDBC call, and inheriting
   * nothing (no context class loader, no inheritable thread locals). Idempotent.
   */
  public void start() {
    if (thread == null && !closed) {
      synchronized (this) {
        if (thread == null) {
          Thread started = new Thread(null, this::work, THREAD_NAME, 0, false);
          started.setDaemon(true);
          started.setContextClassLoader(null);
          started.start();
          thread = started;
        }
      }
    }
  }

  /**
   * Waits up to {@code timeoutNanos} for the requests submitted so far to be done; those waiting for a busy pool to
   * free a connection are waited for only {@value #POOL_GRACE_MILLIS} ms more (a pool seen busy at querylens' last
   * look, up to 100 ms ago, is often free again by now). True when all are done.
   */
  public boolean awaitIdle(long timeoutNanos) {
    if (thread == null) {
      return inFlight.get() == 0; // not started (a detector made outside a running querylens)
    }
    long now = System.nanoTime();
    long deadline = now + timeoutNanos;
    long graceDeadline = now + TimeUnit.MILLISECONDS.toNanos(POOL_GRACE_MILLIS);
    int left;
    while ((left = inFlight.get()) > 0) {
      now = System.nanoTime();
      if (now - deadline >= 0 || closed || left <= waitingForPool.get() && now - graceDeadline >= 0) {
        return false;
      }
      LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(5));
    }
    return true;
  }

  /** Stops the thread; requests not yet planned are dropped. */
  @Override
  public void close() {
    closed = true;
    Thread running = thread;
    if (running != null) {
      LockSupport.unpark(running);
    }
  }

  private void work() {
    io.querylens.bootstrap.Hooks.suppressCurrentThread();
    long nextNanos = System.nanoTime();
    while (!closed) {
      Pending pending = queue.poll();
      if (pending == null) {
        LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(100));
        continue;
      }
      boolean done = true;
      try {
        if (pending.waitsForPool()) {
          waitingForPool.decrementAndGet();
        }
        if (pending.notBeforeNanos() != 0 && System.nanoTime() - pending.notBeforeNanos() < 0) {
          done = !putBack(pending, pending.attempts(), pending.notBeforeNanos(), pending.waitsForPool());
          sleepUntil(Math.min(pending.notBeforeNanos(), System.nanoTime() + BUSY_RETRY_NANOS));
          continue;
        }
        ConnectionOpener opener = pending.request().opener();
        if (!opener.ready() && pending.attempts() < MAX_NOT_READY_RETRIES) {
          done = !putBack(pending, pending.attempts() + 1, System.nanoTime() + BUSY_RETRY_NANOS / 4, false);
          continue;
        }
        if (opener.neverLends() || !opener.ready()) {
          pending.request().shape().planFinished();
          continue; // dropped for good: querylens cannot tell when this pool has a connection to spare
        }
        if (opener.busy()) {
          if (pending.attempts() < MAX_BUSY_RETRIES) {
            done = !putBack(pending, pending.attempts() + 1, System.nanoTime() + BUSY_RETRY_NANOS, true);
          } else {
            // Given up for now, not lost: the shape's next qualifying execution asks again.
            pending.request().shape().releasePlan();
          }
          continue;
        }
        // At most MAX_PER_SECOND EXPLAIN sessions a second; retries above do not count.
        sleepUntil(nextNanos);
        nextNanos = System.nanoTime() + TimeUnit.SECONDS.toNanos(1) / MAX_PER_SECOND;
        try {
          advise(pending.request());
        } finally {
          pending.request().shape().planFinished();
        }
      } catch (Throwable failed) {
        Diagnostics.error("index advisor", failed);
      } finally {
        if (done) {
          inFlight.decrementAndGet();
        }
      }
    }
    // Whatever is left is dropped: let waiters go.
    Pending left;
    while ((left = queue.poll()) != null) {
      inFlight.decrementAndGet();
      if (left.waitsForPool()) {
        waitingForPool.decrementAndGet();
      }
    }
  }

  /** Parks until {@code deadline} (nanoTime) or until closed; early wake-ups park again. */
  private void sleepUntil(long deadline) {
    long left;
    while (!closed && (left = deadline - System.nanoTime()) > 0) {
      LockSupport.parkNanos(left);
    }
  }

  /**
   * Queues {@code pending} again, to be tried from {@code notBefore}; {@code waitsForPool}: because its pool had no
   * connection to spare (a flush does not wait for those), rather than because its figures were not read yet (it
   * does). Returns false when the queue refused it (it is given up, and its shape may be asked for again).
   */
  private boolean putBack(Pending pending, int attempts, long notBefore, boolean waitsForPool) {
    if (waitsForPool) {
      waitingForPool.incrementAndGet();
    }
    if (queue.offer(new Pending(pending.request(), attempts, notBefore, waitsForPool))) {
      return true;
    }
    if (waitsForPool) {
      waitingForPool.decrementAndGet();
    }
    pending.request().shape().releasePlan();
    return false;
  }

  /** Plans one shape and hands over what it finds. */
  void advise(Request request) {
    SqlStructure structure = request.shape().structure(analyzer);
    if (!structure.parsed()) {
      return;
    }
    Object source = request.opener().source();
    if (source == null || unsupported.contains(source)) {
      return;
    }
    List<IndexAdvice> advice;
    try (Connection connection = request.opener().open()) {
      DatabasePlanner planner = DatabasePlanner.of(connection);
      if (planner == null) {
        unsupported.add(source);
        return;
      }
      if (!planner.plansWrites() && structure.kind() != StatementKind.SELECT) {
        return;
      }
      try {
        advice = advise(connection, planner, structure, request.sql(), request.bindMarkers(),
            request.shape().sql().contains(" or "));
      } finally {
        // Catalog reads may have opened a transaction on a connection whose pool does not auto-commit.
        if (!connection.getAutoCommit()) {
          connection.rollback();
        }
      }
    } catch (SQLException | RuntimeException cannotPlan) {
      // The database's to say (a parameter type it cannot infer, a table dropped since): not querylens' error.
      return;
    } catch (LinkageError applicationGone) {
      // The driver can no longer load its own classes: its web application was undeployed (its class loader closed)
      // after the statement ran. Not querylens' error either; its driver is not asked again.
      unsupported.add(source);
      return;
    }
    for (IndexAdvice each : advice) {
      request.onAdvice().accept(each);
    }
  }

  private List<IndexAdvice> advise(
      Connection connection, DatabasePlanner planner, SqlStructure structure, String sql, boolean bindMarkers,
      boolean disjunction) throws SQLException {
    QueryPlan plan = planner.explain(connection, sql, bindMarkers);
    List<IndexAdvice> advice = new ArrayList<>();
    String database = connection.getMetaData().getURL();
    Boolean hypothetical = null;
    IndexCandidates.Hints hints = new IndexCandidates.Hints(LikePatterns.prefixPatternColumns(sql),
        planner.indexesExpressions() ? IndexableExpressions.in(sql) : java.util.Map.of());
    for (QueryPlan.TableScan planned : plan.scans()) {
      QueryPlan.TableScan scan = named(planned, structure);
      if (scan == null) {
        continue; // a table behind a view or function: not one the statement names
      }
      long rows = planner.tableRows(connection, scan);
      if (rows < minRows) {
        continue;
      }
      List<IndexCatalog.ExistingIndex> indexes = catalog.indexes(connection, database, scan.schema(),
          scan.storedName());
      IndexCandidates.Choice choice = IndexCandidates.choose(structure, scan, indexes, hints);
      IndexAdvice defeated = defeated(planner, scan, rows, plan, choice, indexes);
      if (defeated != null) {
        advice.add(defeated);
        continue;
      }
      IndexCandidate candidate = choice.candidate();
      if (candidate == null || choice.coveredBy() != null) {
        continue;
      }
      if (hypothetical == null) {
        hypothetical = planner.canTestHypothetically(connection);
      }
      double costAfter = Double.NaN;
      double scanRows = scan.rows();
      if (hypothetical) {
        try {
          costAfter = planner.costWith(connection, candidate, sql, bindMarkers);
        } catch (SQLException hypotheticalFailed) {
          hypothetical = false; // judged as without HypoPG below
        }
      }
      if (hypothetical) {
        if (!(costAfter <= plan.totalCost() / 2)) {
          continue; // the planner would not gain enough from it
        }
      } else if (disjunction || candidate.filterColumns().size() > candidate.filterColumns().stream()
          .filter(column -> structure.predicates().stream().anyMatch(p -> p.column().column().equals(column)))
          .count()) {
        // Conditions joined by OR (an index on all their columns serves none of them alone), or a table only joined
        // (the planner may read it whole on purpose): only a hypothetical index can tell, so nothing unverified.
        continue;
      } else if (candidate.filterColumns().isEmpty()) {
        if (!structure.limit().present()) {
          continue; // sorting everything it returns: an index saves the sort, not the reading
        }
      } else {
        // Worth it only when the filter keeps a small share of the table.
        scanRows = planner.estimateRows(connection, scan, candidate, rows);
        if (Double.isNaN(scanRows) || scanRows > rows * MAX_UNVERIFIED_SHARE) {
          continue;
        }
      }
      advice.add(new IndexAdvice(planner.name(), scan.table(), rows, scanRows, candidate,
          planner.ddl(connection, candidate), plan.totalCost(), costAfter, null, choice.defeated()));
    }
    return advice;
  }

  /**
   * {@code scan} with the table the statement names: as planned, or the table behind the alias a plan printed
   * (MariaDB and MySQL name tables by their aliases); null when the statement names no such table.
   */
  private static QueryPlan.TableScan named(QueryPlan.TableScan scan, SqlStructure structure) {
    String table = structure.tableNamed(scan.table());
    if (table == null || table.equals(scan.table())) {
      return table == null ? null : scan;
    }
    return new QueryPlan.TableScan(table, table, scan.schema(), scan.rows(), scan.filter());
  }

  /**
   * Advice about an existing index the statement cannot use: the column it leads with is wrapped in a function, or
   * compared through a cast (PostgreSQL prints {@code (column)::type} in the scan's filter), or with a leading
   * wildcard. Null when no index is defeated.
   */
  private static IndexAdvice defeated(
      DatabasePlanner planner, QueryPlan.TableScan scan, long rows, QueryPlan plan, IndexCandidates.Choice choice,
      List<IndexCatalog.ExistingIndex> indexes) {
    List<String> reasons = new ArrayList<>();
    String index = null;
    for (String reason : choice.defeated()) {
      String column = reason.substring(0, reason.indexOf(' '));
      for (IndexCatalog.ExistingIndex existing : indexes) {
        if (!existing.columns().isEmpty() && existing.columns().get(0).equals(column)) {
          reasons.add(reason);
          index = index == null ? existing.name() : index;
        }
      }
    }
    IndexCatalog.ExistingIndex covering = choice.coveredBy();
    if (covering != null && scan.filter() != null) {
      String column = covering.columns().get(0);
      if (Pattern.compile("(^|[(.\\s])" + Pattern.quote(column) + "\\)::[a-z]").matcher(scan.filter()).find()) {
        reasons.add(column + " is compared through a type cast (the value's type differs from the column's)");
        index = index == null ? covering.name() : index;
      }
    }
    if (index == null) {
      return null;
    }
    return new IndexAdvice(planner.name(), scan.table(), rows, scan.rows(), null, null, plan.totalCost(), Double.NaN,
        index, reasons);
  }
}
