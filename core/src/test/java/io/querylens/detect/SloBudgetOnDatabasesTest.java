package io.querylens.detect;

import static org.assertj.core.api.Assertions.assertThat;

import com.example.shipping.Shipments;
import io.querylens.config.Settings;
import io.querylens.finding.Finding;
import io.querylens.finding.FindingType;
import io.querylens.finding.Severity;
import io.querylens.testing.PoolLens;
import io.querylens.testing.TestDatabases.TestDatabase;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * SLO budgets on real databases: one statement shape is run slow (distinct values over 200,000 rows, several ms) then
 * fast (a one-row range, well under a millisecond); its p95 breaks a 3 ms budget and is kept again once the slow runs
 * leave the window. The same for an endpoint's database time per request. The recorder counts executions over the
 * budget as they run; the window's slices are stepped here, on a detector of the test's own, with made-up times.
 */
@ParameterizedClass(name = "on {0}")
@MethodSource("io.querylens.testing.TestDatabases#all")
class SloBudgetOnDatabasesTest {

  private static final long SLICE = TimeUnit.SECONDS.toNanos(10);

  @Parameter TestDatabase database;

  private PoolLens lens;
  private Shipments shipments;
  private SloBudgetDetector slo;
  private final List<Detection> detections = new ArrayList<>();
  private long now;

  @BeforeEach
  void open() throws Exception {
    lens = new PoolLens(database, settings -> settings.set(Settings.INDEX_ADVICE, false)
        .set(Settings.SLO_QUERY_P95_MS, 3L).set(Settings.SLO_REQUEST_DB_P95_MS, 3L));
    shipments = lens.shipments("slo", 200_000);
  }

  /** The test's own detector with these budgets, its window started now. */
  private void watch(long queryBudgetMs, long requestBudgetMs) {
    slo = new SloBudgetDetector(new SloBudgetDetector.Sources(lens.runtime.shapes()::shapes,
        () -> lens.runtime.recorder().endpoints().all()), queryBudgetMs, requestBudgetMs, 60, 20);
    now = System.nanoTime();
    tick();
  }

  @AfterEach
  void close() throws Exception {
    if (lens != null) {
      lens.close();
    }
  }

  private List<Finding> tick() {
    int before = detections.size();
    slo.onTick(null, now, detections::add);
    now += SLICE;
    return detections.subList(before, detections.size()).stream()
        .map(detection -> slo.describe(detection, lens.runtime.analyzer())).toList();
  }

  /** Steps the window until a finding comes, at most one window and one slice on. */
  private Finding nextFinding() {
    for (int i = 0; i <= SloBudgetDetector.SLICES + 1; i++) {
      List<Finding> found = tick();
      if (!found.isEmpty()) {
        assertThat(found).hasSize(1);
        return found.get(0);
      }
    }
    throw new AssertionError("no SLO finding after a window");
  }

  @Test
  void aShapesP95OverItsBudgetIsReportedOnceAndAgainWhenItIsKept() throws Exception {
    watch(3, 0);
    for (int i = 0; i < 30; i++) {
      shipments.countBetween(1 + i, 200_000); // different values each time: H2 caches a repeated query's result
    }
    Finding broken = nextFinding();
    assertThat(broken.type()).isEqualTo(FindingType.SLO_BREACH);
    assertThat(broken.severity()).isEqualTo(Severity.WARN);
    assertThat(broken.sql()).isEqualTo("select count(distinct note) from " + shipments.table()
        + " where id between ? and ?");
    assertThat(broken.tables()).containsExactly(shipments.table());
    assertThat(broken.details()).containsEntry("state", "broken").containsEntry("budgetMs", 3.0)
        .containsEntry("overBudget", 30L).containsEntry("total", 30L).containsEntry("windowSeconds", 60L);
    assertThat(broken.message()).startsWith("SLO budget broken: [select count(distinct note) from "
        + shipments.table() + " where id between ? and ?] is over its p95 budget of 3.0 ms (slo.query.p95.ms): "
        + "30 of 30 executions in the last 60 s took longer than 3.0 ms (100.0 %).");
    assertThat(tick()).as("reported once while it stays broken").isEmpty();

    for (int i = 0; i < 600; i++) {
      shipments.countBetween(i + 1, i + 1);
    }
    Finding kept = nextFinding();
    assertThat(kept.severity()).isEqualTo(Severity.INFO);
    assertThat(kept.details()).containsEntry("state", "kept");
    assertThat(kept.message()).startsWith("SLO budget kept again: [select count(distinct note) from ");
    assertThat(kept.problemKey()).isNotEqualTo(broken.problemKey());
  }

  @Test
  void anEndpointsDatabaseTimeOverItsBudgetIsReportedWithItsRoute() throws Exception {
    watch(0, 3);
    for (int i = 0; i < 25; i++) {
      int from = 1 + i;
      request(() -> shipments.countBetween(from, 200_000));
    }
    Finding broken = nextFinding();
    assertThat(broken.details()).containsEntry("state", "broken").containsEntry("endpoint", "GET /reports/{day}")
        .containsEntry("total", 25L);
    assertThat(broken.message()).startsWith("SLO budget broken: GET /reports/{day} is over its database-time p95 "
        + "budget of 3.0 ms per request (slo.request.db.p95.ms): 25 of 25 requests in the last 60 s took longer");

    for (int i = 0; i < 500; i++) {
      int id = i + 1;
      request(() -> shipments.countBetween(id, id));
    }
    assertThat(nextFinding().details()).containsEntry("state", "kept").containsEntry("endpoint", "GET /reports/{day}");
  }

  @Test
  void fewerExecutionsThanTheMinimumAreNotJudged() throws Exception {
    watch(3, 3);
    for (int i = 0; i < 19; i++) {
      shipments.countBetween(1 + i, 200_000);
    }
    for (int i = 0; i <= SloBudgetDetector.SLICES; i++) {
      assertThat(tick()).isEmpty();
    }
  }

  private static void request(PoolLens.Work work) throws Exception {
    PoolLens.request("/reports/2026-11-28", "/reports/{day}", work);
  }
}
