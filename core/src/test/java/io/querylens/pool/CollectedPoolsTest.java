package io.querylens.pool;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariDataSource;
import io.querylens.QueryLens;
import io.querylens.testing.Heap;
import io.querylens.testing.LibraryLens;
import java.lang.ref.WeakReference;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An application redeployed again and again that makes its own HikariCP pool each time (on H2), uses it, closes it
 * and drops it: more pools over the run than querylens tracks at once (64). Each collected pool frees its slot, every
 * pool keeps a number of its own, and the summary and the report keep the latest 64 collected ones.
 */
class CollectedPoolsTest {

  private static final int DEPLOYMENTS = 70;

  @TempDir
  Path directory;

  @Test
  void seventyPoolsOneAfterAnotherAreEachTrackedUnderANumberOfTheirOwn() throws Exception {
    try (LibraryLens lens = new LibraryLens()) {
      ConnectionTracker tracker = lens.start(settings -> settings).recorder().connections();
      int collections = 0;
      List<WeakReference<HikariDataSource>> stragglers = new java.util.ArrayList<>();
      for (int deployment = 1; deployment <= DEPLOYMENTS; deployment++) {
        WeakReference<HikariDataSource> pool = deployUseAndUndeploy(tracker, deployment);
        int taken = Heap.collectUntil(() -> pool.get() == null, 200);
        collections += taken;
        if (pool.get() != null) {
          stragglers.add(pool); // seen in the full suite now and then, root cause not found yet: checked below
        }
        waitForTheWorkerToForgetCollectedPools(tracker);
      }
      // HikariCP itself may keep a closed pool reachable for a long time (a plain program with no querylens, 70 pools
      // made and closed like these, had all 70 still reachable after 50 collections): a pool still held is tracked,
      // as it should be, and the figures say how many.
      for (WeakReference<HikariDataSource> pool : stragglers) {
        collections += Heap.collectUntil(() -> pool.get() == null, 400);
      }
      boolean anyLate = !stragglers.isEmpty(); // (a late pool is retired late: the order below is then not exact)
      stragglers.removeIf(pool -> pool.get() == null);
      waitForTheWorkerToForgetCollectedPools(tracker);
      lens.runtime().flush();

      List<TrackedPool> ofTheRun = tracker.poolsOfTheRun();
      Set<Integer> numbers = new HashSet<>();
      ofTheRun.forEach(pool -> numbers.add(pool.number()));
      System.out.println("[figures] " + DEPLOYMENTS + " pools one after another: " + collections
          + " System.gc() in all; tracked at the end " + tracker.pools().size() + ", kept for the summary "
          + ofTheRun.size() + ", numbers " + ofTheRun.get(0).number() + " to "
          + ofTheRun.get(ofTheRun.size() - 1).number() + "; pools still held at the end: " + stragglers.size());
      assertThat(tracker.pools()).as("every collected pool left; only pools still held are tracked")
          .hasSize(stragglers.size());
      assertThat(numbers).as("one number per pool").hasSize(ofTheRun.size());
      assertThat(ofTheRun).as("64 collected pools kept, and the pools still held, by number")
          .hasSize(64 + stragglers.size())
          .isSortedAccordingTo(java.util.Comparator.comparingInt(TrackedPool::number));
      if (!anyLate) {
        assertThat(ofTheRun).as("the latest 64 collected pools, in order")
            .extracting(TrackedPool::name)
            .containsExactlyElementsOf(java.util.stream.IntStream.rangeClosed(DEPLOYMENTS - 63, DEPLOYMENTS)
                .mapToObj(deployment -> "shop-pool-" + deployment).toList());
      }
      assertThat(ofTheRun).allSatisfy(pool -> assertThat(pool.acquisitions()).isEqualTo(1));
      assertThat(lens.diagnostics()).as("the older pools left the summary, said once")
          .containsOnlyOnce("collected connection pools")
          .doesNotContain("pools and data sources");

      Path html = directory.resolve("report.html");
      assertThat(lens.runtime().writeHtmlReport(html)).isTrue();
      String report = Files.readString(html);
      assertThat(report).contains("shop-pool-" + DEPLOYMENTS + " (HikariCP, max 2): 1 taken");
      if (!anyLate) {
        assertThat(report).contains("shop-pool-7 (HikariCP").doesNotContain("shop-pool-6 (HikariCP");
      }
    }
  }

  /** One deployment: its own pool, one connection and one query through querylens' wrapper, then closed. */
  private static WeakReference<HikariDataSource> deployUseAndUndeploy(ConnectionTracker tracker, int deployment)
      throws SQLException, InterruptedException {
    HikariDataSource pool = new HikariDataSource();
    pool.setJdbcUrl("jdbc:h2:mem:shop-" + deployment);
    pool.setPoolName("shop-pool-" + deployment);
    pool.setMaximumPoolSize(2);
    pool.setMinimumIdle(0);
    try (Connection connection = QueryLens.wrap(pool).getConnection();
        Statement statement = connection.createStatement();
        ResultSet rows = statement.executeQuery("select 1")) {
      assertThat(rows.next()).isTrue();
    }
    assertThat(tracker.pools()).as("pool " + deployment + " is tracked")
        .anySatisfy(tracked -> assertThat(tracked.isFor(pool, PoolKind.HIKARI)).isTrue());
    // This pool, not any: a pool of an earlier deployment still held by HikariCP is tracked and named already.
    for (int wait = 0; wait < 100 && tracker.pools().stream()
        .noneMatch(tracked -> tracked.named && tracked.isFor(pool, PoolKind.HIKARI)); wait++) {
      Thread.sleep(20); // the worker reads the pool's name and size on its tick, every 100 ms
    }
    pool.close();
    return new WeakReference<>(pool);
  }

  private static void waitForTheWorkerToForgetCollectedPools(ConnectionTracker tracker) throws InterruptedException {
    for (int wait = 0; wait < 100 && tracker.pools().stream().anyMatch(TrackedPool::isCollected); wait++) {
      Thread.sleep(20); // the worker frees slots on its tick, every 100 ms
    }
    assertThat(tracker.pools()).as("collected pools' slots freed").noneMatch(TrackedPool::isCollected);
  }
}
