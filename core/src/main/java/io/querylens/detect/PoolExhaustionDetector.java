package io.querylens.detect;

import io.querylens.callsite.CallSite;
import io.querylens.finding.Finding;
import io.querylens.finding.FindingType;
import io.querylens.finding.Severity;
import io.querylens.pool.Checkout;
import io.querylens.pool.ConnectionTracker;
import io.querylens.pool.PoolKind;
import io.querylens.pool.PoolReadings;
import io.querylens.pool.TrackedPool;
import io.querylens.sql.SqlAnalyzer;
import io.querylens.sql.SqlStructure;
import io.querylens.sql.StatementShape;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Pool exhaustion: threads waiting for a connection because the pool has none free. An episode starts when a
 * {@code getConnection()} waits {@code pool.wait.threshold.ms} or longer, or times out, while every connection is in
 * use, or when the pool has every connection in use and threads waiting for that long. It ends after
 * {@value #QUIET_MILLIS} ms without any of these; then one finding says how long it lasted, the peak of waiting
 * threads, the longest wait, the timeouts, and who held the connections (looked at every tick while the pool was full;
 * the look with the most recorded call sites, then the longest hold, is kept): their call sites, how long they held
 * them, what they ran. An episode still going after {@value #LONG_EPISODE_SECONDS} s is reported then. Episodes of
 * one pool within a minute of a reported one count as the same problem, so a pool that keeps running dry is said
 * once and counted.
 *
 * <p>On application threads this costs a comparison per {@code getConnection()}; everything else runs on the worker.
 */
public final class PoolExhaustionDetector implements Detector {

  public static final String ID = "pool-exhaustion";

  static final long QUIET_MILLIS = 1_000;
  static final long LONG_EPISODE_SECONDS = 10;
  private static final long QUIET_NANOS = TimeUnit.MILLISECONDS.toNanos(QUIET_MILLIS);
  private static final long LONG_EPISODE_NANOS = TimeUnit.SECONDS.toNanos(LONG_EPISODE_SECONDS);
  private static final long SAME_PROBLEM_NANOS = TimeUnit.MINUTES.toNanos(1);
  private static final int ERROR_FACTOR = 10;
  private static final int MAX_HOLDER_SITES = 5;
  private static final long RECORD_SITES_NANOS = TimeUnit.SECONDS.toNanos(60);

  private final long waitThresholdNanos;
  /** Long waits and timeouts seen on application threads since the worker last looked, per pool. */
  private final ConcurrentHashMap<TrackedPool, Signals> signals = new ConcurrentHashMap<>();
  /** Worker only. */
  private final Map<TrackedPool, Episode> episodes = new HashMap<>();
  private final Map<TrackedPool, long[]> saturatedSince = new HashMap<>();
  private final Map<TrackedPool, long[]> lastReport = new HashMap<>();

  public PoolExhaustionDetector(long waitThresholdMillis) {
    this.waitThresholdNanos = TimeUnit.MILLISECONDS.toNanos(waitThresholdMillis);
  }

  @Override
  public String id() {
    return ID;
  }

  @Override
  public Set<FindingType> findingTypes() {
    return Set.of(FindingType.POOL_EXHAUSTION);
  }

  /**
   * A long wait or a timeout counts only while the pool is full: a pool opening its first connections, or waiting on
   * a slow or unreachable database with connections to spare, is slow to connect, not exhausted.
   */
  @Override
  public void onAcquisition(ConnectionTracker.Outcome acquisition, DetectionSink sink) {
    TrackedPool pool = acquisition.pool();
    if ((acquisition.timedOut() || acquisition.waitNanos() >= waitThresholdNanos) && pool.kind().isPooled()
        && isFull(pool, acquisition)) {
      signals.computeIfAbsent(pool, ignored -> new Signals()).add(acquisition);
    }
  }

  /**
   * Every connection is out, by querylens' count and the pool's own; with no known size, others wait too. A wait that
   * ended with a connection counts that connection among those out, and the waiting threads the worker's last look
   * counted may include this one: so it takes another thread holding a connection, or another waiting, to be
   * exhausted. Else the only thread of a pool of one, waiting while the pool opens its connection, found the pool full,
   * raised an exhaustion, and armed the watch of the holders (a stack walk for every checkout for a minute).
   */
  private static boolean isFull(TrackedPool pool, ConnectionTracker.Outcome acquisition) {
    int self = acquisition.checkout() == null ? 0 : 1;
    PoolReadings readings = pool.readings();
    int size = readings.max();
    if (size <= 0) {
      return pool.waitingThreads() > self;
    }
    int out = Math.max(pool.inUse(), readings.active());
    return out >= size && (out - self > 0 || Math.max(pool.waitingThreads(), readings.waiting()) > self);
  }

  /** Accumulated by application threads, drained by the worker. */
  private static final class Signals {
    final AtomicLong longWaits = new AtomicLong();
    final AtomicLong timeouts = new AtomicLong();
    final AtomicLong longestWaitNanos = new AtomicLong();
    final AtomicLong earliestStartNanos = new AtomicLong(Long.MAX_VALUE);

    void add(ConnectionTracker.Outcome acquisition) {
      if (acquisition.timedOut()) {
        timeouts.incrementAndGet();
      } else {
        longWaits.incrementAndGet();
      }
      longestWaitNanos.accumulateAndGet(acquisition.waitNanos(), Math::max);
      earliestStartNanos.accumulateAndGet(System.nanoTime() - acquisition.waitNanos(), Math::min);
    }
  }

  @Override
  public void onTick(ConnectionTracker connections, long nowNanos, DetectionSink sink) {
    List<TrackedPool> pools = connections.pools();
    for (TrackedPool pool : pools) {
      if (pool.kind().isPooled()) {
        look(pool, connections, nowNanos, sink);
      }
    }
    if (!saturatedSince.isEmpty() || !signals.isEmpty()) {
      // Pools the tracker forgot (closed and collected: a test suite makes many) are forgotten here too.
      saturatedSince.keySet().retainAll(pools);
      lastReport.keySet().retainAll(pools);
      episodes.keySet().retainAll(pools);
      signals.keySet().retainAll(pools);
    }
  }

  private void look(TrackedPool pool, ConnectionTracker connections, long nowNanos, DetectionSink sink) {
    PoolReadings readings = pool.readings();
    // Threads really waiting: the pool's own count, or those querylens saw inside getConnection() for a millisecond
    // (not the ones merely passing through it, which a busy but sufficient pool always has).
    int waiting = Math.max(readings.waiting(), pool.waitingThreads());
    int size = readings.max();
    // The pool's own count when it gives one: querylens' count runs a moment ahead of it when a closing connection
    // is handed to a waiter before its close() returns. Never more than the pool holds.
    int inUse = readings.active() != PoolReadings.UNKNOWN ? readings.active() : pool.inUse();
    if (size > 0) {
      inUse = Math.min(inUse, size);
    }
    boolean saturated = waiting > 0 && size > 0 && inUse >= size;
    long[] since = saturatedSince.computeIfAbsent(pool, ignored -> new long[1]);
    if (!saturated) {
      since[0] = 0;
    } else if (since[0] == 0) {
      since[0] = nowNanos;
    }

    long longWaits = 0;
    long timeouts = 0;
    long longestWait = 0;
    long earliestStart = Long.MAX_VALUE;
    Signals seen = signals.get(pool);
    if (seen != null) {
      longWaits = seen.longWaits.getAndSet(0);
      timeouts = seen.timeouts.getAndSet(0);
      longestWait = seen.longestWaitNanos.getAndSet(0);
      earliestStart = seen.earliestStartNanos.getAndSet(Long.MAX_VALUE);
    }
    boolean signal = longWaits > 0 || timeouts > 0 || since[0] != 0 && nowNanos - since[0] >= waitThresholdNanos;

    Episode episode = episodes.get(pool);
    if (signal || episode != null && saturated) {
      if (episode == null) {
        long start = Math.min(nowNanos, Math.min(earliestStart, since[0] == 0 ? Long.MAX_VALUE : since[0]));
        episode = new Episode(pool, start);
        episodes.put(pool, episode);
      }
      episode.lastActiveNanos = nowNanos;
      pool.recordEverySiteFor(nowNanos, RECORD_SITES_NANOS); // the connections taken now are the next holders
      episode.timeouts += timeouts;
      episode.longWaits += longWaits;
      episode.longestWaitNanos = Math.max(episode.longestWaitNanos, longestWait);
      episode.peakInUse = Math.max(episode.peakInUse, inUse);
      episode.size = Math.max(episode.size, size);
      episode.peakWaiting = Math.max(episode.peakWaiting, waiting);
      if (saturated || episode.holders == null) {
        // The holders whose call sites were recorded (the pool records every one while it runs dry), and of those
        // the ones that had held their connections longest while the pool was full, tell most (and by then the
        // statements they ran are known, which at the first moment of a cold start they are not).
        List<Holders> now = holders(pool, connections, nowNanos);
        if (episode.holders == null || knownSites(now) > knownSites(episode.holders)
            || knownSites(now) == knownSites(episode.holders) && longestHold(now) >= longestHold(episode.holders)) {
          episode.holders = now;
        }
      }
      if (!episode.reported && nowNanos - episode.startNanos >= LONG_EPISODE_NANOS) {
        report(episode, true, nowNanos, sink);
      }
    } else if (episode != null && nowNanos - episode.lastActiveNanos >= QUIET_NANOS) {
      episodes.remove(pool);
      if (!episode.reported) {
        report(episode, false, nowNanos, sink);
      }
    }
  }

  /** Holders whose call site was recorded (an idle pool records a sample of its checkouts' sites). */
  private static int knownSites(List<Holders> holders) {
    int known = 0;
    for (Holders each : holders) {
      if (each.callSite != CallSite.UNKNOWN) {
        known += each.count;
      }
    }
    return known;
  }

  private static long longestHold(List<Holders> holders) {
    long longest = 0;
    for (Holders each : holders) {
      longest = Math.max(longest, each.maxHeldNanos);
    }
    return longest;
  }

  /** The connections {@code pool} has out, grouped by where they were taken, most first. */
  private static List<Holders> holders(TrackedPool pool, ConnectionTracker connections, long nowNanos) {
    Map<CallSite, Holders> bySite = new LinkedHashMap<>();
    for (Checkout checkout : connections.openCheckouts()) {
      if (checkout.pool() == pool && !checkout.isClosed()) {
        bySite.computeIfAbsent(checkout.callSite(), Holders::new)
            .add(checkout, connections.runningShape(checkout), nowNanos);
      }
    }
    List<Holders> sorted = new ArrayList<>(bySite.values());
    sorted.sort(Comparator.comparingInt((Holders holders) -> holders.count).reversed());
    return List.copyOf(sorted.subList(0, Math.min(MAX_HOLDER_SITES, sorted.size())));
  }

  /** The connections held from one call site. */
  static final class Holders {
    final CallSite callSite;
    int count;
    long minHeldNanos = Long.MAX_VALUE;
    long maxHeldNanos;
    StatementShape shape;
    int inStatement;

    Holders(CallSite callSite) {
      this.callSite = callSite;
    }

    /** @param running the statement running on it now, or null */
    void add(Checkout checkout, StatementShape running, long nowNanos) {
      count++;
      long held = checkout.heldNanos(nowNanos);
      minHeldNanos = Math.min(minHeldNanos, held);
      maxHeldNanos = Math.max(maxHeldNanos, held);
      if (running != null && !running.isPlaceholder()) {
        inStatement++;
        shape = running;
      } else if (inStatement == 0 && checkout.lastShape() != null) {
        shape = checkout.lastShape();
      }
    }

    String describe() {
      String held = minHeldNanos == maxHeldNanos || count == 1 ? SqlText.span(maxHeldNanos)
          : SqlText.span(minHeldNanos) + "-" + SqlText.span(maxHeldNanos);
      String running = shape == null ? ", no statement run yet"
          : (inStatement > 0 ? ", running [" : ", last ran [") + SqlText.abbreviate(shape.sql()) + "]";
      return callSite + " x" + count + ", held " + held + running;
    }
  }

  /** One stretch of time a pool ran dry. Worker only. */
  static final class Episode {
    final TrackedPool pool;
    final long startNanos;
    long lastActiveNanos;
    long endNanos;
    long timeouts;
    long longWaits;
    long longestWaitNanos;
    int peakWaiting;
    int peakInUse;
    int size;
    boolean reported;
    boolean ongoing;
    List<Holders> holders;

    Episode(TrackedPool pool, long startNanos) {
      this.pool = pool;
      this.startNanos = startNanos;
    }
  }

  private void report(Episode episode, boolean ongoing, long nowNanos, DetectionSink sink) {
    episode.reported = true;
    episode.ongoing = ongoing;
    episode.endNanos = ongoing ? nowNanos : episode.lastActiveNanos;
    long[] last = lastReport.computeIfAbsent(episode.pool, ignored -> new long[2]);
    if (last[0] == 0 || episode.startNanos - last[0] > SAME_PROBLEM_NANOS) {
      last[1]++;
    }
    last[0] = episode.endNanos;
    Holders top = episode.holders == null || episode.holders.isEmpty() ? null : episode.holders.get(0);
    Severity severity = episode.timeouts > 0 || episode.longestWaitNanos >= waitThresholdNanos * ERROR_FACTOR
        ? Severity.ERROR : Severity.WARN;
    sink.report(new Detection(this, FindingType.POOL_EXHAUSTION, severity, top == null ? null : top.shape,
        top == null ? CallSite.UNKNOWN : top.callSite, Math.max(1, episode.peakWaiting), 0,
        episode.endNanos - episode.startNanos, episode.longestWaitNanos, null, episode.pool.name(), null, null,
        null, FindingType.POOL_EXHAUSTION + "|" + episode.pool.number() + "|" + last[1], episode));
  }

  @Override
  public Finding describe(Detection detection, SqlAnalyzer analyzer) {
    Episode episode = (Episode) detection.evidence();
    TrackedPool pool = episode.pool;
    StatementShape shape = detection.shape();
    SqlStructure structure = shape == null ? null : shape.structure(analyzer);
    long durationNanos = episode.endNanos - episode.startNanos;
    String size = episode.size > 0 ? String.valueOf(episode.size) : "?";
    StringBuilder message = new StringBuilder("Pool '").append(pool.name()).append("' ")
        .append(episode.ongoing ? "has been exhausted for " : "exhausted for ").append(SqlText.span(durationNanos))
        .append(": ").append(episode.peakInUse).append('/').append(size).append(" connections in use, ")
        .append(episode.peakWaiting).append(episode.peakWaiting == 1 ? " thread" : " threads").append(" waiting");
    if (episode.longestWaitNanos > 0) {
      message.append(", longest wait ").append(SqlText.millis(episode.longestWaitNanos));
    }
    if (episode.timeouts > 0) {
      message.append(", ").append(episode.timeouts)
          .append(episode.timeouts == 1 ? " acquisition timed out" : " acquisitions timed out");
    }
    message.append('.');
    List<String> holderLines = new ArrayList<>();
    if (episode.holders != null && !episode.holders.isEmpty()) {
      message.append(" Holding connections: ");
      for (Holders holders : episode.holders) {
        holderLines.add(holders.describe());
      }
      message.append(String.join("; ", holderLines)).append('.');
    }
    String sizing = sizeSetting(pool.kind()) + (episode.size > 0 ? "=" + episode.size : "");
    return Finding.builder(FindingType.POOL_EXHAUSTION, detection.severity(), ID)
        .sql(shape == null ? "" : shape.sql())
        .tables(structure == null ? List.of() : structure.tables())
        .columns(structure == null ? List.of() : structure.filterColumns())
        .callSite(detection.callSite().toString())
        .count(detection.count())
        .message(message.toString())
        .suggestion("Shorten what runs while a connection is held (no remote calls, file work or user waits inside "
            + "a transaction; fix the slow statements it runs), or size the pool (" + sizing + ") to the work that "
            + "really needs connections at once.")
        .problemKey(detection.problemKey())
        .detail("pool", pool.name())
        .detail("poolKind", pool.kind().name())
        .detail("poolSize", episode.size > 0 ? episode.size : null)
        .detail("peakInUse", episode.peakInUse)
        .detail("peakWaiting", episode.peakWaiting)
        .detail("longestWaitMs", SqlText.millisValue(episode.longestWaitNanos))
        .detail("timeouts", episode.timeouts)
        .detail("durationMs", Math.round(durationNanos / 1_000_000.0))
        .detail("ongoing", episode.ongoing)
        .detail("holders", holderLines)
        .build();
  }

  private static String sizeSetting(PoolKind kind) {
    return switch (kind) {
      case HIKARI -> "maximumPoolSize";
      case DBCP2 -> "maxTotal";
      case TOMCAT -> "maxActive";
      default -> "its maximum size";
    };
  }
}
