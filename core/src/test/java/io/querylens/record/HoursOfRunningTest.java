package io.querylens.record;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariDataSource;
import io.querylens.QueryLens;
import io.querylens.UnitOfWorkScope;
import io.querylens.bootstrap.Hooks;
import io.querylens.config.Settings;
import io.querylens.internal.Diagnostics;
import io.querylens.pool.TrackedPool;
import io.querylens.runtime.QueryLensRuntime;
import io.querylens.testing.Heap;
import io.querylens.testing.LibraryLens;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.function.UnaryOperator;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Hours of a service's life, compressed: phase after phase of the same traffic (requests to endpoints whose URLs carry
 * ids, each on a thread that starts, serves a few requests and dies; connections checked out of a real HikariCP pool
 * hundreds of thousands of times; the same N+1 and held connections found again and again; pools created and
 * dropped; a named job now and then), with querylens' time windows short enough to roll over many times
 * ({@code slo.window.s=6}, {@code leak.threshold.ms=50}). querylens reads {@link System#nanoTime()} directly, so time
 * cannot be driven: the run is long in work instead, and what querylens keeps is measured after each phase as the
 * settled heap against the same traffic without querylens. It stays under 32 MB and stops growing; the state of the
 * thousands of dead threads is let go.
 */
class HoursOfRunningTest {

  private static final long CAP_BYTES = 32L * 1024 * 1024;
  private static final long LEVEL_BYTES = 3L * 1024 * 1024;
  private static final int PHASES = 8;
  private static final int WAVES = 200;
  private static final int THREADS_PER_WAVE = 4;
  private static final int REQUESTS_PER_THREAD = 12;
  private static final int BARE_CHECKOUTS_PER_REQUEST = 5;
  private static final int POOLS_PER_PHASE = 15;
  private static final String[] ROUTES = {"/orders/%d", "/orders/%d/items", "/customers/%s/orders", "/search?q=%d",
      "/customers/%s", "/invoices/%d/pdf", "/health", "/carts/%d/checkout"};

  private final LibraryLens lens = new LibraryLens();
  private final String url = "jdbc:h2:mem:" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1";
  private HikariDataSource pool;

  @AfterEach
  void stop() {
    lens.close();
    if (pool != null) {
      pool.close();
    }
  }

  @Test
  void phaseAfterPhaseQuerylensKeepsUnderItsCapAndStopsGrowing() throws Exception {
    pool = pool("service");
    try (Connection connection = pool.getConnection(); Statement statement = connection.createStatement()) {
      statement.execute("create table orders (id int primary key, total int)");
      statement.execute("create table items (id int primary key, order_id int, name varchar(40))");
      statement.execute("insert into orders select x, 0 from system_range(1, 1000)");
      statement.execute("insert into items select x, x % 1000 + 1, 'item ' || x from system_range(1, 6000)");
    }
    // The same traffic without querylens first: the baseline is the heap of the service, H2, HikariCP and the JDK.
    phase(pool, raw -> raw);
    long baseline = Heap.settled();

    QueryLensRuntime runtime = lens.start(settings -> settings.set(Settings.SLO_WINDOW_S, 6)
        .set(Settings.SLO_QUERY_P95_MS, 1L).set(Settings.SLO_REQUEST_DB_P95_MS, 1L)
        .set(Settings.LEAK_THRESHOLD_MS, 50L));
    DataSource service = QueryLens.wrap(pool);
    List<Long> retained = new ArrayList<>();
    long statementsBefore = 0;
    long started = System.nanoTime();
    for (int p = 1; p <= PHASES; p++) {
      long phaseStarted = System.nanoTime();
      long checkouts = phase(service, QueryLens::wrap);
      runtime.flush();
      int threadStates = threadStatesAfterPurge(runtime.recorder());
      long kept = Math.max(0, Heap.settled() - baseline);
      retained.add(kept);
      long statements = runtime.recorder().statementCount();
      List<TrackedPool> pools = runtime.recorder().connections().pools();
      System.out.printf("[figures] hours compressed, phase %d: %,d requests on %,d threads that ended, %,d statements,"
              + " %,d checkouts, %d pools created and closed in %.1f s; querylens keeps %.1f MB; thread states held %d;"
              + " pools tracked %d; %d endpoints, %d findings%n", p, WAVES * THREADS_PER_WAVE * REQUESTS_PER_THREAD,
          WAVES * THREADS_PER_WAVE, statements - statementsBefore, checkouts, POOLS_PER_PHASE,
          (System.nanoTime() - phaseStarted) / 1e9, kept / 1048576.0, threadStates, pools.size(),
          runtime.recorder().endpoints().summaries().size(), runtime.findings().size());
      statementsBefore = statements;
      assertThat(threadStates).as("state of dead threads let go, phase %d", p).isLessThanOrEqualTo(4);
      assertThat(kept).as("heap kept after phase %d", p).isLessThan(CAP_BYTES);
      assertThat(pools).as("closed pools forgotten once collected").hasSizeLessThanOrEqualTo(1 + POOLS_PER_PHASE)
          .extracting(TrackedPool::number).doesNotHaveDuplicates();
    }
    long growth = retained.get(PHASES - 1) - retained.get(1);
    assertThat(growth).as("growth from phase 2 to phase %d: %s", PHASES, retained).isLessThan(LEVEL_BYTES);
    assertThat(runtime.recorder().endpoints().summaries()).as("ids folded: one endpoint per route")
        .hasSizeLessThanOrEqualTo(ROUTES.length + 1);
    assertThat(runtime.findings()).as("the same problems found again, not new ones").hasSizeLessThan(40);
    assertThat(Diagnostics.errorCounts()).as(lens.diagnostics()).isEmpty();
    int threads = PHASES * WAVES * THREADS_PER_WAVE;
    System.out.printf("[figures] hours compressed: %d phases, %,d requests, %,d threads, %,d statements in %.0f s;"
            + " kept per phase (MB) %s; phase %d - phase 2 = %+.2f MB (cap %d MB); findings %s; drops said: %s%n",
        PHASES, threads * REQUESTS_PER_THREAD, threads, runtime.recorder().statementCount(),
        (System.nanoTime() - started) / 1e9, retained.stream().map(b -> String.format("%.1f", b / 1048576.0)).toList(),
        PHASES, growth / 1048576.0, CAP_BYTES / 1048576,
        runtime.findings().stream().map(finding -> finding.type().toString()).sorted().toList(),
        Diagnostics.dropCounts().keySet());
  }

  /**
   * One phase of traffic: waves of short-lived threads serving requests through {@code service}, then pools created,
   * used and closed. Returns the connections checked out.
   */
  private long phase(DataSource service, UnaryOperator<DataSource> watch) throws Exception {
    long[] checkouts = new long[THREADS_PER_WAVE];
    long total = 0;
    for (int wave = 0; wave < WAVES; wave++) {
      Thread[] threads = new Thread[THREADS_PER_WAVE];
      for (int t = 0; t < THREADS_PER_WAVE; t++) {
        int slot = t;
        int first = (wave * THREADS_PER_WAVE + t) * REQUESTS_PER_THREAD;
        threads[t] = new Thread(() -> checkouts[slot] = serve(service, first), "http-" + wave + "-" + t);
        threads[t].start();
      }
      for (int t = 0; t < THREADS_PER_WAVE; t++) {
        threads[t].join();
        total += checkouts[t];
        if (checkouts[t] < 0) {
          throw new AssertionError("a request failed, see stderr");
        }
      }
    }
    for (int p = 0; p < POOLS_PER_PHASE; p++) {
      try (HikariDataSource shortLived = pool("batch-" + p)) {
        DataSource source = watch.apply(shortLived);
        try (UnitOfWorkScope job = QueryLens.unitOfWork("nightly-export")) {
          for (int i = 0; i < 100; i++) {
            try (Connection connection = source.getConnection();
                Statement statement = connection.createStatement();
                ResultSet rows = statement.executeQuery("select count(*) from orders where total > " + i)) {
              rows.next();
            }
            total++;
          }
        }
      }
    }
    return total;
  }

  /** One thread's requests; returns its checkouts, or -1 when a request failed. */
  private static long serve(DataSource service, int first) {
    long checkouts = 0;
    try {
      for (int r = first; r < first + REQUESTS_PER_THREAD; r++) {
        String route = ROUTES[r % ROUTES.length];
        Object request = Hooks.beginRequest("GET",
            String.format(route, route.contains("%s") ? UUID.randomUUID() : r));
        try {
          checkouts += request(service, r);
        } finally {
          Hooks.endRequest(request, "", null);
        }
      }
      return checkouts;
    } catch (Exception failed) {
      failed.printStackTrace();
      return -1;
    }
  }

  /** A request: an order and, on one in four, its items one by one (an N+1); an update; a few bare checkouts. */
  private static long request(DataSource service, int r) throws Exception {
    int order = r % 1000 + 1;
    try (Connection connection = service.getConnection()) {
      try (PreparedStatement select = connection.prepareStatement("select id, total from orders where id = ?")) {
        select.setInt(1, order);
        try (ResultSet rows = select.executeQuery()) {
          rows.next();
        }
      }
      if (r % 4 == 0) {
        for (int item = 1; item <= 6; item++) {
          try (PreparedStatement lookup = connection.prepareStatement(
              "select name from items where order_id = ? and id = ?")) {
            lookup.setInt(1, order);
            lookup.setInt(2, item * 1000 + order - 1);
            try (ResultSet rows = lookup.executeQuery()) {
              rows.next();
            }
          }
        }
      }
      try (PreparedStatement update = connection.prepareStatement("update orders set total = total + 1 where id = ?")) {
        update.setInt(1, order);
        update.executeUpdate();
      }
      if (r % 2_000 == 0) {
        Thread.sleep(60); // held past leak.threshold.ms: the same held-connection finding again
      }
    }
    for (int i = 0; i < BARE_CHECKOUTS_PER_REQUEST; i++) {
      try (Connection connection = service.getConnection()) {
        connection.getAutoCommit();
      }
    }
    return 1 + BARE_CHECKOUTS_PER_REQUEST;
  }

  private HikariDataSource pool(String name) {
    HikariDataSource created = new HikariDataSource();
    created.setJdbcUrl(url);
    created.setMaximumPoolSize(THREADS_PER_WAVE);
    created.setMinimumIdle(1);
    created.setPoolName(name);
    return created;
  }

  /** Thread states held once the worker has had time to purge those of ended threads (it does about every 100 ms). */
  private static int threadStatesAfterPurge(Recorder recorder) throws InterruptedException {
    for (int i = 0; i < 30 && recorder.threadStateCount() > 4; i++) {
      Thread.sleep(100);
    }
    return recorder.threadStateCount();
  }
}
