package io.querylens.pool;

import io.querylens.callsite.CallSite;
import io.querylens.callsite.CallSiteResolver;
import io.querylens.internal.Diagnostics;
import io.querylens.internal.IdentityKey;
import io.querylens.sql.StatementShape;
import java.lang.ref.Reference;
import java.lang.ref.ReferenceQueue;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Tracks every connection the application takes ({@code DataSource.getConnection()}, {@code Driver.connect}) until it
 * is closed: which pool it came from, how long taking it took, where it was taken, how long it is held.
 *
 * <p>Per checkout this costs two {@code nanoTime} calls, a few counter updates, one walk of the taking thread's stack
 * to its first application frame (a few microseconds) and one entry in a concurrent identity map; per close, one
 * lookup in that map. Connections a pool opens for itself (its own threads, its start-up) are recognised by the
 * pool's classes on the stack and left out. The map holds connections weakly and is bounded: a connection dropped
 * without {@code close()} is noticed when the garbage collector clears it, and past {@code maxOpen} open checkouts new
 * ones are counted as dropped, not tracked.
 */
public final class ConnectionTracker {

  private static final int MAX_POOLS = 64;
  private static final int MAX_NESTING = 16;
  private static final int MAX_NAMING_ATTEMPTS = 100;

  private final CallSiteResolver callSites;
  private final int maxOpen;
  private final ConcurrentHashMap<IdentityKey, Checkout> open = new ConcurrentHashMap<>();
  private final ReferenceQueue<Object> collected = new ReferenceQueue<>();
  private final AtomicLong numbers = new AtomicLong();
  private volatile TrackedPool[] pools = new TrackedPool[0];
  /**
   * Pools numbered so far (guarded by this): numbers are never given twice, even once collected pools are forgotten,
   * as findings and timelines are keyed by them.
   */
  private int poolsNumbered;
  private final PoolProbe probe = new PoolProbe();

  private final java.util.function.Function<String, StatementShape> shapes;

  private final java.util.function.Supplier<Iterable<ThreadConnections>> threads;

  /**
   * @param shapes the shape of a SQL text (the recorder's shape registry)
   * @param threads every application thread's bookkeeping (the recorder's), for counting waiting threads
   */
  public ConnectionTracker(
      CallSiteResolver callSites, int maxOpen, java.util.function.Function<String, StatementShape> shapes,
      java.util.function.Supplier<Iterable<ThreadConnections>> threads) {
    this.callSites = callSites;
    this.maxOpen = maxOpen;
    this.shapes = shapes;
    this.threads = threads;
  }

  /** Threads inside a pool's getConnection() this long or longer are waiting, not just passing through. */
  static final long WAITING_NANOS = 1_000_000;

  /**
   * The statement running on {@code checkout} now, or null: its shape when it is a prepared statement, else the shape
   * of the SQL it was given. Worker only (a new SQL text is normalized here).
   */
  public StatementShape runningShape(Checkout checkout) {
    StatementShape shape = checkout.runningShape();
    String sql = checkout.runningSql();
    return shape != null || sql == null ? shape : shapes.apply(sql);
  }

  /**
   * {@code getConnection()} or {@code connect} on {@code source} is about to run on this thread. Returns true for the
   * outermost such call of the thread (a wrapper's and the pool's inside it count as one acquisition).
   */
  public boolean acquiring(ThreadConnections thread, Object source) {
    return acquiring(thread, source, null, null, false);
  }

  /**
   * {@code getConnection()} or {@code Driver.connect(url, info)} is about to run on this thread: as
   * {@link #acquiring(ThreadConnections, Object)}, also remembering the URL and properties of an outermost call (what
   * an EXPLAIN later connects with), or that the call gave credentials (then an unpooled source is not connected to by
   * querylens).
   */
  public boolean acquiring(
      ThreadConnections thread, Object source, String url, java.util.Properties info, boolean credentialsGiven) {
    if (++thread.depth > MAX_NESTING) {
      Diagnostics.error("connection hooks", new IllegalStateException("unbalanced getConnection hooks; resetting"));
      thread.reset();
      return false;
    }
    boolean outermost = thread.depth == 1;
    if (outermost) {
      thread.outerSource = source;
      thread.connectUrl = url;
      thread.connectInfo = info;
      thread.credentialsGiven = credentialsGiven;
      thread.startNanos = System.nanoTime();
    }
    if (thread.poolSource == null && PoolKind.of(source).isPooled()) {
      thread.poolSource = source;
      TrackedPool pool = poolFor(source);
      if (pool != null) {
        pool.acquiringStarted();
        thread.acquiringSince = thread.startNanos;
        thread.acquiringFrom = pool;
      }
    }
    return outermost;
  }

  /**
   * The call begun by {@link #acquiring} returned {@code connection} or threw {@code thrown}. For the outermost call,
   * returns what it amounted to (null when nothing is to be told: a nested call, a pool opening a connection for
   * itself, an untracked source).
   *
   * @param unit the unit of work the thread is in, or null
   * @param unitName its name, or the thread's
   */
  public Outcome acquired(
      ThreadConnections thread, Object source, Object connection, Throwable thrown, Object unit, String unitName) {
    return acquired(thread, source, connection, thrown, unit, unitName, false);
  }

  /**
   * @param everySite true to record the call site of this checkout whatever the sampling says (a test's capture is
   *     listening)
   */
  public Outcome acquired(
      ThreadConnections thread, Object source, Object connection, Throwable thrown, Object unit, String unitName,
      boolean everySite) {
    if (thread.depth <= 0) {
      thread.reset();
      return null;
    }
    if (--thread.depth > 0) {
      if (source == thread.poolSource && connection != null) {
        thread.innerConnection = connection;
      }
      return null;
    }
    long nowNanos = System.nanoTime();
    try {
      Object poolSource = thread.poolSource;
      TrackedPool pool = poolFor(poolSource != null ? poolSource : thread.outerSource);
      if (pool == null) {
        return null;
      }
      if (poolSource != null) {
        pool.acquiringFinished();
      }
      if (connection == null && thrown == null) {
        return null; // a driver declining a URL that is not its own (DriverManager asks each in turn)
      }
      long waitNanos = nowNanos - thread.startNanos;
      if (connection == null) {
        // A pool filling itself through a data source or driver that fails (the database is down) is not the
        // application's failure; the pool's own getConnection() failing is.
        if (poolSource == null && callSites.captureAcquisition() == null) {
          return null;
        }
        boolean timedOut = isTimeout(thrown);
        pool.acquisitionFailed(waitNanos, timedOut);
        return new Outcome(pool, waitNanos, null, timedOut);
      }
      Object inner = thread.innerConnection;
      if ((inner == null || inner == connection) && closeIsUnseen(connection, pool)) {
        // A JDK proxy querylens cannot see closed (Spring's lazy and transaction-aware proxies): the connection it
        // fetches when first used is taken, and closed, through the pool, and tracked there.
        return null;
      }
      CallSite site;
      if (poolSource == null || recordsCallSite(pool, thread, waitNanos, everySite, nowNanos)) {
        site = callSites.captureAcquisition();
        if (site == null || poolSource == null && !site.isApplication()) {
          // A pool opening a connection for itself (its classes on the stack), or a library thread opening one
          // without a pool: neither is the application's to close.
          return null;
        }
      } else {
        site = CallSite.UNKNOWN;
      }
      if (open.size() >= maxOpen) {
        Diagnostics.dropped("open connections", "more than " + maxOpen
            + " connections are out at once; further ones are not tracked for leaks and pool exhaustion");
        return null;
      }
      Checkout checkout = new Checkout(numbers.incrementAndGet(), pool, site, Thread.currentThread().getName(),
          unit, unitName, nowNanos, waitNanos);
      checkout.keys = inner == null || inner == connection
          ? new IdentityKey.Stored[] {new IdentityKey.Stored(connection, collected)}
          : new IdentityKey.Stored[] {new IdentityKey.Stored(connection, collected),
              new IdentityKey.Stored(inner, collected)};
      if (open.putIfAbsent(checkout.keys[0], checkout) != null) {
        return null; // the same connection object handed out again while out: it stays the first checkout's
      }
      if (checkout.keys.length > 1) {
        open.putIfAbsent(checkout.keys[1], checkout);
      }
      if (poolSource == null) {
        checkout.unpooledSource = thread.credentialsGiven ? null : thread.outerSource;
        checkout.driverUrl = thread.connectUrl;
        checkout.driverInfo = thread.connectInfo;
      }
      pool.acquired(waitNanos);
      thread.latest = checkout;
      return new Outcome(pool, waitNanos, checkout, false);
    } finally {
      thread.reset();
    }
  }

  /**
   * Whether to walk the stack for this checkout's call site. The walk costs several microseconds, while taking a
   * connection from a pool costs well under one; so it is done for the checkouts that matter: a pool's first
   * {@value #ALWAYS_FIRST} checkouts; one that waited {@value #SLOW_WAIT_MILLIS} ms or more; every checkout while a
   * detector has armed the pool (it runs dry: the holders an exhaustion finding names; it leaked a connection whose
   * site was not recorded); every checkout while a test's capture listens; and one in {@value #SAMPLE_EVERY} of the
   * rest, per thread. A connection without a pool is a new physical connection (a millisecond or more): its site is
   * always recorded. (Walking for every checkout of a merely busy pool halved the throughput of the PostgreSQL load
   * test, 8 threads on a pool of 8.)
   */
  private static boolean recordsCallSite(TrackedPool pool, ThreadConnections thread, long waitNanos,
      boolean everySite, long nowNanos) {
    if (everySite || waitNanos >= SLOW_WAIT_NANOS || pool.sitesRecorded < ALWAYS_FIRST
        || pool.recordsEverySite(nowNanos)) {
      pool.sitesRecorded++;
      return true;
    }
    if (++thread.sinceSiteRecorded >= SAMPLE_EVERY) {
      thread.sinceSiteRecorded = 0;
      return true;
    }
    return false;
  }

  static final int ALWAYS_FIRST = 64;
  static final int SAMPLE_EVERY = 256;
  static final long SLOW_WAIT_MILLIS = 10;
  private static final long SLOW_WAIT_NANOS = SLOW_WAIT_MILLIS * 1_000_000L;

  /** What one outermost {@code getConnection()} amounted to: a checkout, or a failure ({@code checkout} null). */
  public record Outcome(TrackedPool pool, long waitNanos, Checkout checkout, boolean timedOut) {}

  /** {@code connection} is being closed; returns its checkout, now closed, or null when it was not tracked. */
  public Checkout released(ThreadConnections thread, Object connection) {
    if (open.isEmpty()) {
      return null;
    }
    Checkout checkout;
    try {
      checkout = open.remove(thread.probe.of(connection));
    } finally {
      thread.probe.clear();
    }
    if (checkout == null) {
      return null;
    }
    long nowNanos = System.nanoTime();
    for (IdentityKey.Stored key : checkout.keys) {
      open.remove(key, checkout);
    }
    if (checkout.close(nowNanos)) {
      checkout.pool().released(nowNanos - checkout.acquiredNanos());
    }
    if (thread.latest == checkout) {
      thread.latest = null;
    }
    return checkout;
  }

  /**
   * Forgets checkouts whose connections were garbage collected without {@code close()}, and returns them: each is a
   * connection the application lost. Worker only.
   */
  public List<Checkout> purgeCollected() {
    List<Checkout> lost = null;
    Reference<?> reference;
    while ((reference = collected.poll()) != null) {
      Checkout checkout = open.remove(reference);
      if (checkout == null) {
        continue;
      }
      for (IdentityKey.Stored key : checkout.keys) {
        open.remove(key, checkout);
      }
      if (checkout.close(System.nanoTime())) {
        checkout.pool().forgotten();
        if (lost == null) {
          lost = new ArrayList<>();
        }
        lost.add(checkout);
      }
    }
    return lost == null ? List.of() : lost;
  }

  /** Connections out now, each once. */
  public Collection<Checkout> openCheckouts() {
    return open.values().stream().distinct().toList();
  }

  /** Every source of connections seen so far. */
  public List<TrackedPool> pools() {
    return List.of(pools);
  }

  /**
   * Reads each pool's name and figures from the pool itself, adds a point to each timeline, and forgets collected
   * pools. Worker only.
   */
  public void refreshPools() {
    TrackedPool[] now = pools;
    countWaitingThreads(now);
    boolean anyCollected = false;
    long nowNanos = System.nanoTime();
    for (TrackedPool pool : now) {
      pool.addToTimeline(nowNanos);
      Object source = pool.source();
      if (pool.isCollected()) {
        anyCollected = true;
      } else if (source != null) {
        if (!pool.named) {
          // A pool may have no name until its first connection (Tomcat JDBC creates its pool lazily): ask again.
          String name = probe.name(pool.kind(), source);
          pool.named = name != null || ++pool.namingAttempts >= MAX_NAMING_ATTEMPTS;
          pool.rename(name);
        }
        pool.read(probe.read(pool.kind(), source));
      }
    }
    if (anyCollected) {
      synchronized (this) {
        pools = Arrays.stream(pools).filter(pool -> !pool.isCollected() || pool.inUse() > 0)
            .toArray(TrackedPool[]::new);
      }
    }
  }

  /** Sets each pool's count of threads in its getConnection() for {@link #WAITING_NANOS} or longer. Worker only. */
  private void countWaitingThreads(TrackedPool[] pools) {
    if (pools.length == 0) {
      return;
    }
    java.util.Map<TrackedPool, Integer> waiting = new java.util.IdentityHashMap<>();
    long nowNanos = System.nanoTime();
    for (ThreadConnections thread : threads.get()) {
      TrackedPool pool = thread.acquiringFrom;
      if (pool != null && nowNanos - thread.acquiringSince >= WAITING_NANOS) {
        waiting.merge(pool, 1, Integer::sum);
      }
    }
    for (TrackedPool pool : pools) {
      pool.waitingThreads = waiting.getOrDefault(pool, 0);
    }
  }

  private TrackedPool poolFor(Object source) {
    PoolKind kind = PoolKind.of(source);
    for (TrackedPool pool : pools) {
      if (pool.isFor(source, kind)) {
        return pool;
      }
    }
    synchronized (this) {
      TrackedPool[] now = pools;
      for (TrackedPool pool : now) {
        if (pool.isFor(source, kind)) {
          return pool;
        }
      }
      if (now.length >= MAX_POOLS) {
        Diagnostics.dropped("connection pools", "more than " + MAX_POOLS
            + " pools and data sources; connections from further ones are not tracked");
        return null;
      }
      TrackedPool created = new TrackedPool(++poolsNumbered, kind, source);
      TrackedPool[] next = Arrays.copyOf(now, now.length + 1);
      next[now.length] = created;
      pools = next;
      return created;
    }
  }

  /**
   * Whether querylens never sees {@code connection} closed: a JDK proxy (its class is not instrumented) other than
   * querylens' own wrapper and Tomcat JDBC's pooled proxies (whose handler is advised).
   */
  static boolean closeIsUnseen(Object connection, TrackedPool pool) {
    return java.lang.reflect.Proxy.isProxyClass(connection.getClass()) && pool.kind() != PoolKind.TOMCAT
        && !io.querylens.jdbc.WatchedJdbc.isWatched(connection);
  }

  /** Whether {@code thrown} says the pool gave up waiting for a free connection. */
  static boolean isTimeout(Throwable thrown) {
    if (thrown instanceof SQLTransientConnectionException) {
      return true;
    }
    Throwable each = thrown;
    for (int depth = 0; each != null && depth < 8; depth++, each = each.getCause()) {
      String message = each.getMessage() == null ? "" : each.getMessage().toLowerCase(Locale.ROOT);
      if (each.getClass().getSimpleName().contains("PoolExhausted")
          || each instanceof java.util.NoSuchElementException // DBCP2: "Timeout waiting for idle object"
          || each instanceof SQLException && (message.contains("timeout") || message.contains("timed out"))) {
        return true;
      }
    }
    return false;
  }
}
