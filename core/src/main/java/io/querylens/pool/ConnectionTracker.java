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
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Tracks every connection the application takes ({@code DataSource.getConnection()}, {@code Driver.connect}) until it
 * is closed: which pool it came from, how long taking it took, where it was taken, how long it is held.
 *
 * <p>Per checkout this costs two {@code nanoTime} calls, a few counter updates, one object (the {@link Checkout},
 * itself the weak reference to the connection) kept in a slot of the taking thread's {@link ThreadConnections}, and
 * now and then a walk of the stack to the first application frame (see {@link #recordsCallSite}); per close, a look
 * through that thread's few slots. No lock, no shared map, no identity hash on that path. A connection closed on
 * another thread than the one that took it is found in the other threads' slots; a thread holding more connections
 * than its slots spills them into a shared identity map (bounded by {@code maxOpen}, past which new checkouts are
 * counted as dropped, not tracked). Connections a pool opens for itself (its own threads, its start-up) are recognised
 * by the pool's classes on the stack and left out. A connection dropped without {@code close()} is noticed when the
 * garbage collector clears its checkout.
 */
public final class ConnectionTracker {

  private static final int MAX_POOLS = 64;
  /** Collected pools that handed out connections, kept for the summary and the report: a few kilobytes each. */
  private static final int MAX_RETIRED_POOLS = 64;
  private static final int MAX_NESTING = 16;
  private static final int MAX_NAMING_ATTEMPTS = 100;

  private final CallSiteResolver callSites;
  private final int maxOpen;
  /** Open checkouts not in their thread's slots: past them, or taken over from a thread that ended. */
  private final ConcurrentHashMap<IdentityKey, Checkout> shared = new ConcurrentHashMap<>();
  private final ReferenceQueue<Object> collected = new ReferenceQueue<>();
  /** Pools alive (or with connections still out): at most {@link #MAX_POOLS}; collected ones leave. */
  private volatile TrackedPool[] pools = new TrackedPool[0];
  /**
   * Pools numbered so far. Numbers are never given twice: a number names one pool for the whole run (the report's
   * timelines and the exhaustion findings are keyed by it). Guarded by this.
   */
  private int poolsNumbered;
  /** Collected pools that handed out connections (or failed to), oldest first. Guarded by this. */
  private final ArrayDeque<TrackedPool> retired = new ArrayDeque<>();
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
    if (thread.poolSource == null) {
      TrackedPool last = thread.lastPool;
      if (last != null && last.isPoolObject(source)) {
        thread.poolSource = source;
        thread.acquiringStarted(last, thread.startNanos);
      } else if (PoolKind.of(source).isPooled()) {
        thread.poolSource = source;
        TrackedPool pool = poolFor(source);
        thread.lastPool = pool; // (null past the pools' bound: a collected pool's figures are not kept by this)
        if (pool != null) {
          thread.acquiringStarted(pool, thread.startNanos);
        }
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
      TrackedPool acquiredFrom = thread.acquiringEnded();
      TrackedPool pool = poolSource != null ? acquiredFrom : poolFor(thread.outerSource);
      if (pool == null) {
        return null;
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
        return new Failure(pool, waitNanos, timedOut);
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
      if (thread.find(connection) != null) {
        return null; // the same connection object handed out again while out: it stays the first checkout's
      }
      Checkout checkout = new Checkout(connection, inner, collected, pool, site, Thread.currentThread().getName(),
          unit, unitName, nowNanos, waitNanos);
      if (!thread.keep(checkout) && !share(checkout)) {
        return null;
      }
      if (poolSource == null) {
        checkout.unpooledSource = thread.credentialsGiven ? null : thread.outerSource;
        checkout.driverUrl = thread.connectUrl;
        checkout.driverInfo = thread.connectInfo;
      }
      pool.acquired(waitNanos);
      thread.latest = checkout;
      return checkout;
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
  static final int SAMPLE_EVERY = 1024;
  static final long SLOW_WAIT_MILLIS = 10;
  private static final long SLOW_WAIT_NANOS = SLOW_WAIT_MILLIS * 1_000_000L;

  /** Puts {@code checkout} in the shared map; false (the drop counted and said) when the map is full. */
  private boolean share(Checkout checkout) {
    if (shared.size() >= maxOpen) {
      Diagnostics.dropped("open connections", "more than " + maxOpen
          + " connections are out at once beyond the threads' own slots; further ones are not tracked for leaks and"
          + " pool exhaustion");
      return false;
    }
    Object[] connections = checkout.connections();
    if (connections.length == 0) {
      return true; // collected meanwhile: the purge of collected checkouts has it
    }
    IdentityKey.Stored[] keys = new IdentityKey.Stored[connections.length];
    for (int i = 0; i < connections.length; i++) {
      keys[i] = new IdentityKey.Stored(connections[i], null);
    }
    checkout.sharedKeys = keys;
    Checkout there = shared.putIfAbsent(keys[0], checkout);
    if (there != null && there != checkout && !(there.isClosed() && shared.replace(keys[0], there, checkout))) {
      return false; // the same connection object handed out again while out: it stays the first checkout's
    }
    for (int i = 1; i < keys.length; i++) {
      shared.put(keys[i], checkout);
    }
    return true;
  }

  private void unshare(Checkout checkout) {
    IdentityKey.Stored[] keys = checkout.sharedKeys;
    if (keys != null) {
      for (IdentityKey.Stored key : keys) {
        shared.remove(key, checkout);
      }
    }
  }

  /**
   * What one outermost {@code getConnection()} amounted to: a {@link Checkout}, or a {@link Failure} ({@code checkout}
   * null).
   */
  public sealed interface Outcome permits Checkout, Failure {
    TrackedPool pool();

    long waitNanos();

    /** The connection taken, or null when {@code getConnection()} failed. */
    Checkout checkout();

    /** Whether it failed because the pool gave up waiting for a free connection. */
    boolean timedOut();
  }

  /** A {@code getConnection()} that threw. */
  public record Failure(TrackedPool pool, long waitNanos, boolean timedOut) implements Outcome {
    @Override
    public Checkout checkout() {
      return null;
    }
  }

  /**
   * {@code connection} is being closed; returns its checkout, now closed, or null when it was not tracked (or another
   * close of it came first). Looks in this thread's slots, then the shared map, then the other threads' slots (it was
   * taken on another thread); not when this thread is inside the close of a connection it took: the closes nested in
   * that one (a wrapper's, then the pool's connection inside it) are the same checkout's.
   */
  public Checkout released(ThreadConnections thread, Object connection) {
    Checkout checkout = thread.takeBack(connection);
    if (checkout == null) {
      if (thread.closing) {
        return null;
      }
      checkout = sharedCheckoutOf(thread, connection);
      if (checkout == null) {
        checkout = otherThreadsCheckoutOf(thread, connection);
      }
      if (checkout == null) {
        // The worker may have moved it from an ended thread's slots to the shared map between the two looks: it
        // shares before it empties the slots, so a miss in the slots after that is a hit here.
        checkout = sharedCheckoutOf(thread, connection);
      }
      if (checkout == null) {
        return null;
      }
    }
    long nowNanos = System.nanoTime();
    unshare(checkout);
    if (!checkout.close(nowNanos)) {
      return null;
    }
    thread.closing = true;
    checkout.pool().released(nowNanos - checkout.acquiredNanos());
    if (thread.latest == checkout) {
      thread.latest = null;
    }
    return checkout;
  }

  private Checkout sharedCheckoutOf(ThreadConnections thread, Object connection) {
    if (shared.isEmpty()) {
      return null;
    }
    try {
      return shared.get(thread.probe.of(connection));
    } finally {
      thread.probe.clear();
    }
  }

  private Checkout otherThreadsCheckoutOf(ThreadConnections thread, Object connection) {
    for (ThreadConnections other : threads.get()) {
      if (other != thread) {
        Checkout found = other.find(connection);
        if (found != null) {
          other.forget(found); // (its slot would keep what the checkout holds reachable until that thread reuses it)
          return found;
        }
      }
    }
    return null;
  }

  /**
   * Moves the open checkouts of a thread that has ended into the shared map, so that a close on another thread, a
   * leak or a collection still finds them. Worker only, before it forgets the thread.
   */
  public void threadEnded(ThreadConnections thread) {
    List<Checkout> open = new ArrayList<>();
    thread.addOpenTo(open);
    for (Checkout checkout : open) {
      if (!share(checkout) && checkout.close(System.nanoTime())) {
        checkout.pool().forgotten();
      }
    }
    thread.forgetOpen(); // only now: a close on another thread meanwhile finds each in one place or the other
  }

  /**
   * Forgets checkouts whose connections were garbage collected without {@code close()}, and returns them: each is a
   * connection the application lost. Worker only.
   */
  public List<Checkout> purgeCollected() {
    List<Checkout> lost = null;
    Reference<?> reference;
    while ((reference = collected.poll()) != null) {
      if (!(reference instanceof Checkout checkout)) {
        continue;
      }
      unshare(checkout);
      if (checkout.close(System.nanoTime())) {
        checkout.pool().forgotten();
        if (lost == null) {
          lost = new ArrayList<>();
        }
        lost.add(checkout);
      }
    }
    if (!shared.isEmpty()) {
      shared.values().removeIf(Checkout::isClosed); // closed through a slot of an ended thread while moving
    }
    return lost == null ? List.of() : lost;
  }

  /**
   * Connections out now, each once: every thread's, and the shared map's. When one connection object is out twice (a
   * pool took back a connection its holder never closed and handed the same object to another thread), the later
   * checkout stands and the earlier one is let go: the next close of that object can close only one. Worker only.
   */
  public Collection<Checkout> openCheckouts() {
    java.util.Set<Checkout> out = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
    for (ThreadConnections thread : threads.get()) {
      thread.addOpenTo(out);
    }
    for (Checkout checkout : shared.values()) {
      if (!checkout.isClosed()) {
        out.add(checkout);
      }
    }
    java.util.Map<Object, Checkout> byConnection = new java.util.IdentityHashMap<>();
    for (java.util.Iterator<Checkout> each = out.iterator(); each.hasNext(); ) {
      Checkout checkout = each.next();
      Object connection = checkout.get();
      Checkout other = connection == null ? null : byConnection.putIfAbsent(connection, checkout);
      if (other != null) {
        Checkout earlier = other.acquiredNanos() - checkout.acquiredNanos() <= 0 ? other : checkout;
        byConnection.put(connection, earlier == other ? checkout : other);
        if (earlier.close(System.nanoTime())) {
          earlier.pool().forgotten();
        }
        unshare(earlier);
      }
    }
    out.removeIf(Checkout::isClosed);
    return List.copyOf(out);
  }

  /** Every source of connections tracked now: alive, or a collected pool whose connections are still out. */
  public List<TrackedPool> pools() {
    return List.of(pools);
  }

  /**
   * Every source of connections of the run, by number: those tracked now, and the latest {@value #MAX_RETIRED_POOLS}
   * collected pools that handed out connections (or failed to), as they were when collected. For the summary and the
   * report.
   */
  public synchronized List<TrackedPool> poolsOfTheRun() {
    List<TrackedPool> all = new ArrayList<>(retired);
    all.addAll(Arrays.asList(pools));
    all.sort(java.util.Comparator.comparingInt(TrackedPool::number));
    return all;
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
      retireCollectedPools();
    }
  }

  /** Frees the slots of collected pools with no connection out; keeps the used ones' figures, bounded. Worker only. */
  private synchronized void retireCollectedPools() {
    List<TrackedPool> kept = new ArrayList<>(pools.length);
    for (TrackedPool pool : pools) {
      if (!pool.isCollected() || pool.inUse() > 0) {
        kept.add(pool);
      } else if (pool.acquisitions() > 0 || pool.failures() > 0) {
        retired.addLast(pool);
        if (retired.size() > MAX_RETIRED_POOLS) {
          retired.removeFirst();
          Diagnostics.dropped("collected connection pools", "more than " + MAX_RETIRED_POOLS + " pools were "
              + "collected after use; the summary and the report keep the latest " + MAX_RETIRED_POOLS);
        }
      }
    }
    pools = kept.toArray(TrackedPool[]::new);
  }

  /**
   * Sets each pool's count of threads in its getConnection() now, and of those in it for {@link #WAITING_NANOS} or
   * longer, from each thread's own record (no shared counter on the application's path). Worker only.
   */
  private void countWaitingThreads(TrackedPool[] pools) {
    if (pools.length == 0) {
      return;
    }
    java.util.Map<TrackedPool, int[]> counts = new java.util.IdentityHashMap<>();
    long nowNanos = System.nanoTime();
    for (ThreadConnections thread : threads.get()) {
      TrackedPool pool = thread.acquiringFrom();
      long since = thread.acquiringSince();
      if (pool != null) {
        int[] acquiringAndWaiting = counts.computeIfAbsent(pool, ignored -> new int[2]);
        acquiringAndWaiting[0]++;
        if (nowNanos - since >= WAITING_NANOS) {
          acquiringAndWaiting[1]++;
        }
      }
    }
    for (TrackedPool pool : pools) {
      int[] acquiringAndWaiting = counts.getOrDefault(pool, new int[2]);
      pool.counted(acquiringAndWaiting[0], acquiringAndWaiting[1]);
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
        Diagnostics.dropped("connection pools", "more than " + MAX_POOLS + " pools and data sources alive at once; "
            + "connections from further ones are not tracked until one is collected");
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
