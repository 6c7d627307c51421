package io.querylens.record;

import io.querylens.bootstrap.HookListener;
import io.querylens.callsite.CallSiteResolver;
import io.querylens.detect.DetectionSink;
import io.querylens.detect.Detectors;
import io.querylens.endpoint.EndpointStats;
import io.querylens.endpoint.Endpoints;
import io.querylens.internal.Diagnostics;
import io.querylens.pool.Checkout;
import io.querylens.pool.ConnectionTracker;
import io.querylens.pool.ThreadConnections;
import io.querylens.sql.ResolvedSql;
import io.querylens.sql.ShapeRegistry;
import io.querylens.sql.StatementKind;
import io.querylens.sql.StatementShape;
import java.lang.ref.WeakReference;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

/**
 * The hot path: receives every hook on the application's threads and records, without analysing. Per statement it
 * does a thread-local lookup, a cached shape lookup, two {@code nanoTime} calls, lock-free statistics updates and a
 * count in the thread's unit of work. Stack walks happen only for repeated shapes within a unit and for slow
 * statements; SQL parsing and finding text happen on the worker.
 *
 * <p>Every hook catches everything: a failure here is counted and said once, and the application's JDBC call goes on
 * unchanged.
 */
public final class Recorder implements HookListener {

  /** Nested execute* calls deeper than this mean a hook pair was lost; the depth is reset. */
  private static final int MAX_DEPTH = 32;

  /**
   * Settings the recorder needs.
   *
   * @param queryBudgetNanos a statement taking longer counts against the statement SLO budget; 0: none
   * @param requestBudgetNanos a request spending longer in the database counts against the request SLO budget; 0:
   *     none
   */
  public record Options(
      int nPlusOneThreshold, long threadGapNanos, long threadMaxNanos, boolean keepParameters,
      int maxOpenPreparedStatements, int maxOpenConnections, long queryBudgetNanos, long requestBudgetNanos) {

    /** Without SLO budgets. */
    public Options(int nPlusOneThreshold, long threadGapNanos, long threadMaxNanos, boolean keepParameters,
        int maxOpenPreparedStatements, int maxOpenConnections) {
      this(nPlusOneThreshold, threadGapNanos, threadMaxNanos, keepParameters, maxOpenPreparedStatements,
          maxOpenConnections, 0, 0);
    }
  }

  private final Options options;
  private final ShapeRegistry shapes;
  private final CallSiteResolver callSites;
  private final Detectors detectors;
  private final DetectionSink sink;
  private final Consumer<Class<?>> loggerFactoryListener;
  private final StatementSqlRegistry preparedSql;
  private final ConnectionTracker connections;
  /** Every thread's state, so a statement prepared on one thread can be found from another. */
  private final Set<ThreadState> threadStates = ConcurrentHashMap.newKeySet();
  /** Every unit of work not yet ended: the worker ends idle bursts from here, and shutdown ends them all. */
  private final Set<UnitOfWork> openUnits = ConcurrentHashMap.newKeySet();
  private final Endpoints endpoints;
  /**
   * The context class loader of the latest unit of work (a request, a scope, a transaction, a burst of statements on a
   * thread): where the application's libraries are.
   */
  private volatile WeakReference<ClassLoader> applicationLoader = new WeakReference<>(null);
  /** Statements of threads whose state was forgotten; guarded by {@link #threadStates}' lock with the purge. */
  private long retiredStatements;
  private final ThreadLocal<ThreadState> threads;
  private volatile boolean enabled = true;
  /** Captures open in tests; empty (one volatile read per statement) otherwise. */
  private volatile ExecutionListener[] listeners = new ExecutionListener[0];

  public Recorder(
      Options options,
      ShapeRegistry shapes,
      CallSiteResolver callSites,
      Detectors detectors,
      DetectionSink sink,
      Consumer<Class<?>> loggerFactoryListener) {
    this.options = options;
    this.endpoints = new Endpoints(options.requestBudgetNanos());
    this.shapes = shapes;
    this.callSites = callSites;
    this.detectors = detectors;
    this.sink = sink;
    this.loggerFactoryListener = loggerFactoryListener;
    this.preparedSql = new StatementSqlRegistry(options.maxOpenPreparedStatements());
    this.connections = new ConnectionTracker(callSites, options.maxOpenConnections(),
        sql -> shapes.resolve(sql).shape(), () -> threadStates.stream().map(state -> state.connections)::iterator);
    this.threads = ThreadLocal.withInitial(() -> {
      ThreadState state = new ThreadState(Thread.currentThread(), callSites, options.keepParameters());
      threadStates.add(state);
      return state;
    });
  }

  /**
   * Statements recorded so far: each thread counts its own (no counter shared by every thread on the statement path),
   * and a thread's count moves to the retired total when its state is forgotten, under the same lock as this sum, so
   * that the figure only grows.
   */
  public long statementCount() {
    synchronized (threadStates) {
      long sum = retiredStatements;
      for (ThreadState state : threadStates) {
        sum += state.statements();
      }
      return sum;
    }
  }

  /** Stops recording (shutdown); hooks become no-ops. */
  public void disable() {
    enabled = false;
  }

  /** Adds a listener told of every statement that completes, on the thread that ran it, until removed. */
  public synchronized void addListener(ExecutionListener listener) {
    ExecutionListener[] now = listeners;
    ExecutionListener[] next = Arrays.copyOf(now, now.length + 1);
    next[now.length] = listener;
    listeners = next;
  }

  public synchronized void removeListener(ExecutionListener listener) {
    listeners = Arrays.stream(listeners).filter(each -> each != listener).toArray(ExecutionListener[]::new);
  }

  /** Marks the current thread as querylens' own: nothing it runs is recorded. */
  @Override
  public void suppressCurrentThread() {
    threads.get().suppressed = true;
  }

  // ---------------------------------------------------------------- statements

  @Override
  public Object beforeExecute(Object statement, String sql) {
    return begin(statement, sql, false);
  }

  @Override
  public void afterExecute(Object scope, Throwable thrown) {
    end(scope, thrown);
  }

  @Override
  public Object beforeBatch(Object statement) {
    return begin(statement, null, true);
  }

  @Override
  public void afterBatch(Object scope, Throwable thrown, Object result) {
    if (scope instanceof Execution execution && execution.depth == 1 && result != null && result.getClass().isArray()) {
      execution.batchSize = java.lang.reflect.Array.getLength(result);
    }
    end(scope, thrown);
  }

  private Object begin(Object statement, String sql, boolean batch) {
    try {
      if (!enabled) {
        return null;
      }
      ThreadState state = threads.get();
      if (state.suppressed) {
        return null;
      }
      Execution execution = state.execution;
      if (execution.depth > 0) {
        if (execution.depth > MAX_DEPTH) {
          Diagnostics.error("statement hooks", new IllegalStateException("unbalanced execute hooks; resetting"));
          execution.depth = 0;
          execution.reset();
        } else {
          if (execution.nestedStatement == null && statement != execution.statement) {
            execution.nestedStatement = statement;
            execution.nestedSql = sql;
          }
          execution.depth++;
          return execution;
        }
      }
      execution.statement = statement;
      execution.sql = sql;
      execution.batch = batch;
      execution.startNanos = System.nanoTime();
      execution.depth = 1;
      if (state.connections.latest() != null) {
        // Known now for a held connection's holder listing; kept so that complete() need not look it up again.
        ResolvedSql prepared = sql == null ? state.pendingSql(statement) : null;
        execution.resolved = prepared;
        state.connections.statementStarted(execution.startNanos, prepared == null ? null : prepared.shape(), sql);
      }
      return execution;
    } catch (Throwable failed) {
      Diagnostics.error("statement hooks", failed);
      return null;
    }
  }

  private void end(Object scope, Throwable thrown) {
    long endNanos = System.nanoTime();
    if (!(scope instanceof Execution execution)) {
      return;
    }
    try {
      if (--execution.depth > 0) {
        return;
      }
      execution.depth = 0;
      complete(execution, endNanos, thrown != null);
    } catch (Throwable failed) {
      Diagnostics.error("statement hooks", failed);
    } finally {
      if (execution.depth == 0) {
        execution.reset();
      }
    }
  }

  private void complete(Execution execution, long endNanos, boolean failed) {
    ThreadState state = execution.thread;
    ResolvedSql resolved = resolve(state, execution);
    StatementShape shape = resolved.shape();
    long nanos = endNanos - execution.startNanos;
    execution.resolved = resolved;
    execution.durationNanos = nanos;
    execution.failed = failed;
    shape.stats().record(nanos, failed);
    if (shape.kind() == StatementKind.SELECT && !failed && !execution.batch && shape.stats().wantsRowSample(nanos)) {
      shape.stats().recordRows(execution.returnedRows());
    }
    if (nanos > options.queryBudgetNanos() && options.queryBudgetNanos() > 0) {
      shape.stats().recordOverBudget();
    }
    state.countStatement();
    state.connections.statementEnded(shape);

    if (!execution.batch && !resolved.multiValued()) {
      long parameters = state.parameterHash(execution.statement);
      if (parameters == 0 && execution.isPrepared() && resolved.raw().indexOf('?') >= 0) {
        // Bind markers, but no bind seen: a driver whose setters querylens cannot advise (SQLite's are inherited from
        // a class that does not implement PreparedStatement). The values are unknown, not equal: counted as
        // differing, so that a loop over them is an N+1 rather than a repeated query it may not be.
        parameters = execution.startNanos | Long.MIN_VALUE;
      }
      execution.valueHash = resolved.literalHash() * 31 + parameters;
    }
    UnitOfWork unit = unitFor(state, endNanos);
    execution.unit = unit;
    try {
      unit.countStatement(nanos, endNanos);
      unit.tally(execution, options.nPlusOneThreshold(), options.keepParameters());
    } finally {
      if (execution.batch) {
        state.clearBatch();
      }
      if (unit.kind() == UnitKind.THREAD) {
        unit.release();
      }
    }
    for (ExecutionListener listener : listeners) {
      try {
        listener.onExecution(execution);
      } catch (Throwable listenerFailed) {
        Diagnostics.error("execution listener", listenerFailed);
      }
    }
    detectors.onExecution(execution, sink);
  }

  private ResolvedSql resolve(ThreadState state, Execution execution) {
    if (execution.sql != null) {
      return shapes.resolve(execution.sql);
    }
    if (execution.resolved != null) {
      return execution.resolved; // this thread's pending SQL of the statement, looked up when it started
    }
    ResolvedSql known = preparedSqlOf(state, execution.statement);
    if (known != null) {
      return known;
    }
    if (execution.nestedSql != null) {
      return shapes.resolve(execution.nestedSql);
    }
    known = preparedSqlOf(state, execution.nestedStatement);
    if (known != null) {
      return known;
    }
    if (execution.batch) {
      String batchSql = state.firstBatchSql();
      if (batchSql != null) {
        return shapes.resolve(batchSql);
      }
    }
    return new ResolvedSql("", shapes.unknown(), 0, false, 0, shapes.unknown().kind(), null);
  }

  /**
   * The SQL a statement was prepared with: from this thread's pending statements, else the shared map, else (a
   * statement run on another thread than the one that prepared it) from the other threads' pending statements, in
   * which case it moves to the shared map for next time.
   */
  private ResolvedSql preparedSqlOf(ThreadState state, Object statement) {
    if (statement == null) {
      return null;
    }
    ResolvedSql known = state.pendingSql(statement);
    if (known != null) {
      return known;
    }
    known = preparedSql.get(statement, state.probe);
    if (known != null) {
      return known;
    }
    for (ThreadState other : threadStates) {
      if (other != state) {
        known = other.pendingSql(statement);
        if (known != null) {
          preparedSql.put(statement, known);
          return known;
        }
      }
    }
    return null;
  }

  @Override
  public void onPrepared(Object statement, String sql) {
    try {
      if (enabled && sql != null) {
        ThreadState state = threads.get();
        ResolvedSql known = state.pendingSql(statement);
        if (known != null && known.raw().equals(sql)) {
          return; // told already: a driver's prepareStatement(sql) passing on to its own overloads, each advised
        }
        PendingStatement displaced = state.addPending(new PendingStatement(statement, shapes.resolve(sql)));
        if (displaced != null) {
          preparedSql.put(displaced.statement(), displaced.sql());
        }
      }
    } catch (Throwable failed) {
      Diagnostics.error("prepare hook", failed);
    }
  }

  @Override
  public void onAddBatch(Object statement, String sql) {
    try {
      threads.get().addBatch(statement, sql);
    } catch (Throwable failed) {
      Diagnostics.error("batch hooks", failed);
    }
  }

  @Override
  public void onClearBatch(Object statement) {
    try {
      threads.get().clearBatch();
    } catch (Throwable failed) {
      Diagnostics.error("batch hooks", failed);
    }
  }

  @Override
  public void onBindLong(Object statement, int index, long value) {
    bindWholeNumber(statement, index, mix(value), value, options.keepParameters() ? value : null);
  }

  @Override
  public void onBindDouble(Object statement, int index, double value) {
    bind(statement, index, mix(Double.doubleToLongBits(value)), options.keepParameters() ? value : null, false);
  }

  @Override
  public void onBindObject(Object statement, int index, Object value) {
    if (value instanceof Integer || value instanceof Long || value instanceof Short || value instanceof Byte) {
      // setObject(i, 5000), as JdbcTemplate binds: its whole number is kept too (an OFFSET's value, say).
      bindWholeNumber(statement, index, hashOf(value), ((Number) value).longValue(),
          options.keepParameters() ? value : null);
      return;
    }
    bind(statement, index, hashOf(value), options.keepParameters() ? value : null,
        value instanceof String text && !text.isEmpty() && (text.charAt(0) == '%' || text.charAt(0) == '_'));
  }

  private void bindWholeNumber(Object statement, int index, long hash, long value, Object kept) {
    try {
      threads.get().bindLong(statement, index, hash, value, kept);
    } catch (Throwable failed) {
      Diagnostics.error("bind hooks", failed);
    }
  }

  /** {@code value} is null unless parameters are kept, so primitives are boxed only with {@code log.parameters}. */
  private void bind(Object statement, int index, long hash, Object value, boolean leadingWildcard) {
    try {
      threads.get().bind(statement, index, hash, value, leadingWildcard);
    } catch (Throwable failed) {
      Diagnostics.error("bind hooks", failed);
    }
  }

  @Override
  public void onClearParameters(Object statement) {
    try {
      threads.get().forgetParameters(statement);
    } catch (Throwable failed) {
      Diagnostics.error("bind hooks", failed);
    }
  }

  @Override
  public void onStatementClosed(Object statement) {
    try {
      ThreadState state = threads.get();
      if (!state.removePending(statement) && preparedSql.size() > 0) {
        // Not this thread's (or closed a second time: a driver's close() calling its superclass's): the shared map
        // when it holds anything, never an identity hash of a statement it cannot hold.
        preparedSql.remove(statement, state.probe);
      }
      state.forgetParameters(statement);
      if (state.batchStatement == statement) {
        state.clearBatch();
      }
    } catch (Throwable failed) {
      Diagnostics.error("close hook", failed);
    }
  }

  /** Hash of a bound value: content for the usual JDBC types, never a stored reference. */
  private static long hashOf(Object value) {
    if (value == null) {
      return 0x9E3779B97F4A7C15L;
    }
    try {
      if (value instanceof byte[] bytes) {
        return mix(Arrays.hashCode(bytes.length > 256 ? Arrays.copyOf(bytes, 256) : bytes) * 31L + bytes.length);
      }
      return mix(value.hashCode() * 31L + value.getClass().getName().hashCode());
    } catch (RuntimeException odd) {
      return mix(System.identityHashCode(value));
    }
  }

  private static long mix(long value) {
    long z = value + 0x9E3779B97F4A7C15L;
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }

  // ---------------------------------------------------------------- units of work

  /**
   * The unit a statement ending now belongs to: the open request/scope/transaction, else the thread's burst. A burst
   * is returned claimed (see {@link UnitOfWork#claim()}); the caller releases it.
   */
  private UnitOfWork unitFor(ThreadState state, long nowNanos) {
    UnitOfWork current = state.current;
    if (current != null) {
      return current;
    }
    if (state.manualCommitConnection != null) {
      endBurst(state);
      state.current = open(UnitKind.TRANSACTION, "on thread " + state.threadName, nowNanos, state);
      return state.current;
    }
    UnitOfWork burst = state.burst;
    if (burst != null && nowNanos - burst.lastActivityNanos() <= options.threadGapNanos()
        && nowNanos - burst.startNanos() <= options.threadMaxNanos() && burst.claim()) {
      return burst;
    }
    endBurst(state);
    burst = open(UnitKind.THREAD, state.threadName, nowNanos, state);
    burst.claim();
    state.burst = burst;
    return burst;
  }

  private UnitOfWork open(UnitKind kind, String name, long startNanos, ThreadState owner) {
    UnitOfWork unit = new UnitOfWork(kind, name, startNanos, owner);
    openUnits.add(unit);
    return unit;
  }

  private void endBurst(ThreadState state) {
    UnitOfWork burst = state.burst;
    if (burst != null) {
      state.burst = null;
      endUnit(burst);
    }
  }

  /** Judges a unit once: whoever marks it ended first (its owner, or the worker for an idle burst) evaluates it. */
  private void endUnit(UnitOfWork unit) {
    if (unit.markEnded()) {
      openUnits.remove(unit);
      try {
        if (unit.kind() == UnitKind.REQUEST || unit.kind() == UnitKind.SCOPE) {
          EndpointStats endpoint = endpoints.of(unit.name());
          endpoint.record(unit.statements(), unit.databaseNanos());
          for (ShapeTally tally : unit.tallies()) {
            tally.shape().stats().ranIn(endpoint.name());
          }
        }
        ClassLoader loader = unit.contextLoader();
        if (loader != null && applicationLoader.get() != loader) {
          applicationLoader = new WeakReference<>(loader);
        }
        detectors.onUnitEnd(unit, sink);
      } finally {
        unit.discard();
      }
    } else if (unit.isEnded()) {
      openUnits.remove(unit);
    }
  }

  @Override
  public Object beginRequest(String method, String uri) {
    try {
      return enabled ? beginUnit("request", UnitNames.request(method, uri)) : null;
    } catch (Throwable failed) {
      Diagnostics.error("unit-of-work hooks", failed);
      return null;
    }
  }

  @Override
  public Object beginUnit(String kind, String name) {
    try {
      if (!enabled) {
        return null;
      }
      ThreadState state = threads.get();
      if (state.suppressed) {
        return null;
      }
      UnitKind unitKind = "request".equals(kind) ? UnitKind.REQUEST : UnitKind.SCOPE;
      UnitOfWork current = state.current;
      if (current != null && unitKind == UnitKind.REQUEST && current.kind() == UnitKind.TRANSACTION) {
        // A request is where work on its thread starts: a transaction still open here was left over (a pool
        // switching a connection to manual commit while warming up, say) and must not swallow the request.
        state.current = null;
        state.manualCommitConnection = null;
        endUnit(current);
      } else if (current != null) {
        return null;
      }
      endBurst(state);
      UnitOfWork unit = open(unitKind, name, System.nanoTime(), state);
      state.current = unit;
      return unit;
    } catch (Throwable failed) {
      Diagnostics.error("unit-of-work hooks", failed);
      return null;
    }
  }

  @Override
  public void endRequest(Object scope, String contextPath, String route) {
    try {
      if (scope instanceof UnitOfWork unit && unit.kind() == UnitKind.REQUEST && route != null
          && unit.owner.current == unit) {
        String name = unit.name();
        unit.rename(UnitNames.route(name.substring(0, Math.max(0, name.indexOf(' '))), contextPath, route));
      }
    } catch (Throwable failed) {
      Diagnostics.error("unit-of-work hooks", failed);
    }
    endUnit(scope);
  }

  /** The context class loader of the latest unit of work that ended, or null. */
  public ClassLoader applicationLoader() {
    return applicationLoader.get();
  }

  /** Every endpoint's statements and database time per request. */
  public Endpoints endpoints() {
    return endpoints;
  }

  @Override
  public void endUnit(Object scope) {
    try {
      if (scope instanceof UnitOfWork unit) {
        if (unit.owner.current == unit) {
          unit.owner.current = null;
        }
        endUnit(unit);
      }
    } catch (Throwable failed) {
      Diagnostics.error("unit-of-work hooks", failed);
    }
  }

  @Override
  public void onAutoCommit(Object connection, boolean autoCommit) {
    try {
      ThreadState state = threads.get();
      if (state.suppressed) {
        return;
      }
      if (!autoCommit) {
        if (state.manualCommitConnection == null) {
          state.manualCommitConnection = connection;
          if (state.current == null) {
            endBurst(state);
            state.current = open(UnitKind.TRANSACTION, "on thread " + state.threadName, System.nanoTime(), state);
          }
        }
      } else if (connection == state.manualCommitConnection) {
        leaveManualCommit(state);
      }
    } catch (Throwable failed) {
      Diagnostics.error("transaction hooks", failed);
    }
  }

  @Override
  public void onCommit(Object connection) {
    transactionEnded(connection);
  }

  @Override
  public void onRollback(Object connection) {
    transactionEnded(connection);
  }

  /** Returns this thread's connections when the connection was a checkout: closes nested in this one are its too. */
  @Override
  public Object onConnectionClosed(Object connection) {
    ThreadState state = null;
    try {
      state = threads.get();
      if (connection == state.manualCommitConnection) {
        leaveManualCommit(state);
      }
      Checkout checkout = connections.released(state.connections, connection);
      if (checkout == null) {
        return null;
      }
      detectors.onRelease(checkout, sink);
      ExecutionListener[] listening = listeners;
      for (ExecutionListener listener : listening) {
        listener.onConnectionReleased(checkout);
      }
      return state.connections;
    } catch (Throwable failed) {
      Diagnostics.error("connection hooks", failed);
      if (state != null) {
        state.connections.closeEnded();
      }
      return null;
    }
  }

  @Override
  public void afterConnectionClosed(Object token) {
    if (token instanceof ThreadConnections thread) {
      thread.closeEnded();
    }
  }

  // ---------------------------------------------------------------- connections

  @Override
  public Object beforeGetConnection(Object source) {
    return acquiring(source, null, null, false);
  }

  @Override
  public Object beforeGetConnectionWithCredentials(Object source) {
    return acquiring(source, null, null, true);
  }

  @Override
  public Object beforeConnect(Object source, String url, java.util.Properties info) {
    return acquiring(source, url, info, false);
  }

  private Object acquiring(Object source, String url, java.util.Properties info, boolean credentialsGiven) {
    ThreadState state = null;
    try {
      if (!enabled || source == null) {
        return null;
      }
      state = threads.get();
      if (state.suppressed) {
        return null;
      }
      connections.acquiring(state.connections, source, url, info, credentialsGiven);
      return state;
    } catch (Throwable failed) {
      Diagnostics.error("connection hooks", failed);
      if (state != null) {
        // No after-hook will come for this call: forget it, or every later getConnection() looks nested in it.
        state.connections.abandon();
      }
      return null;
    }
  }

  @Override
  public void afterGetConnection(Object scope, Object source, Object connection, Throwable thrown) {
    if (!(scope instanceof ThreadState state)) {
      return;
    }
    try {
      UnitOfWork unit = state.current;
      ConnectionTracker.Outcome outcome = connections.acquired(state.connections, source, connection, thrown, unit,
          unit != null ? unit.name() : state.threadName, listeners.length > 0);
      if (outcome == null) {
        return;
      }
      if (unit != null && outcome.checkout() != null) {
        unit.tookConnection(outcome.checkout());
      }
      detectors.onAcquisition(outcome, sink);
      ExecutionListener[] listening = listeners;
      for (ExecutionListener listener : listening) {
        listener.onConnectionAcquired(outcome);
      }
    } catch (Throwable failed) {
      Diagnostics.error("connection hooks", failed);
    }
  }

  /** Every connection taken and not closed, and the pools they came from. */
  public ConnectionTracker connections() {
    return connections;
  }

  private void transactionEnded(Object connection) {
    try {
      ThreadState state = threads.get();
      UnitOfWork current = state.current;
      if (connection == state.manualCommitConnection && current != null && current.kind() == UnitKind.TRANSACTION) {
        state.current = null;
        endUnit(current);
      }
    } catch (Throwable failed) {
      Diagnostics.error("transaction hooks", failed);
    }
  }

  private void leaveManualCommit(ThreadState state) {
    state.manualCommitConnection = null;
    UnitOfWork current = state.current;
    if (current != null && current.kind() == UnitKind.TRANSACTION) {
      state.current = null;
      endUnit(current);
    }
  }

  /**
   * Ends bursts whose threads have gone quiet (run by the worker): no statement for {@code unit.thread.gap.ms}. With
   * {@code all} (shutdown) it ends every open unit, bursts and units still open on other threads alike; a unit being
   * written at that moment is left alone.
   */
  public void endIdleBursts(long nowNanos, boolean all) {
    for (UnitOfWork unit : openUnits) {
      if (unit.isEnded()) {
        openUnits.remove(unit);
      } else if (all || unit.kind() == UnitKind.THREAD
          && nowNanos - unit.lastActivityNanos() > options.threadGapNanos()) {
        try {
          endUnit(unit);
        } catch (Throwable failed) {
          Diagnostics.error("ending idle bursts", failed);
        }
      }
    }
  }

  /** Threads whose state querylens holds now: those that ran a statement and have not ended (or not yet been purged). */
  int threadStateCount() {
    return threadStates.size();
  }

  /**
   * Drops the SQL of prepared statements that were garbage collected without being closed, and the state of threads
   * that ended (run by the worker).
   */
  public void purgeCollectedStatements() {
    preparedSql.purge();
    synchronized (threadStates) {
      threadStates.removeIf(state -> {
        Thread thread = state.thread.get();
        if (thread != null && thread.isAlive()) {
          return false;
        }
        connections.threadEnded(state.connections); // connections it took and did not close stay tracked
        retiredStatements += state.statements(); // its thread has ended: the count is final
        return true;
      });
    }
  }

  /**
   * Reads the pools' own figures, reports connections the garbage collector found unclosed, and lets detectors look
   * at open connections and pools (run by the worker about every 100 ms).
   */
  public void tickConnections(long nowNanos) {
    try {
      connections.refreshPools();
      for (Checkout lost : connections.purgeCollected()) {
        detectors.onConnectionLost(lost, sink);
      }
      detectors.onTick(connections, nowNanos, sink);
    } catch (Throwable failed) {
      Diagnostics.error("watching connections", failed);
    }
  }

  @Override
  public void onLoggerFactoryReady(Class<?> loggerFactory) {
    try {
      loggerFactoryListener.accept(loggerFactory);
    } catch (Throwable failed) {
      Diagnostics.error("logging hook", failed);
    }
  }

  @Override
  public void onAdviceError(Throwable error) {
    Diagnostics.error("instrumentation advice", error);
  }
}
