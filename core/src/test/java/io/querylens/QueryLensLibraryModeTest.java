package io.querylens;

import static org.assertj.core.api.Assertions.assertThat;

import com.example.capture.Shop;
import io.querylens.bootstrap.HookListener;
import io.querylens.bootstrap.Hooks;
import io.querylens.capture.CaptureScope;
import io.querylens.capture.QueryCapture;
import io.querylens.finding.FindingType;
import io.querylens.runtime.QueryLensRuntime;
import io.querylens.testing.ShopFixture;
import io.querylens.testing.TestDatabases;
import io.querylens.testing.TestDatabases.TestDatabase;
import java.sql.Connection;
import java.util.UUID;
import javax.sql.DataSource;
import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@code QueryLens.capture()} and {@code QueryLens.wrap()} without the agent: they start querylens in this JVM when it
 * is not running, and use the running one when it is.
 */
class QueryLensLibraryModeTest {

  private Connection keepAlive;
  private DataSource h2;
  private String suffix;

  @BeforeEach
  void noQueryLensRuns() throws Exception {
    stopQueryLens();
    System.setProperty("querylens.summary", "never"); // read by the querylens these tests start
    JdbcDataSource dataSource = new JdbcDataSource();
    dataSource.setURL("jdbc:h2:mem:" + UUID.randomUUID());
    keepAlive = dataSource.getConnection();
    h2 = dataSource;
    suffix = TestDatabases.uniqueSuffix();
    Shop.createSchema(h2, suffix, 10, false);
  }

  @AfterEach
  void stop() throws Exception {
    stopQueryLens();
    System.clearProperty("querylens.summary");
    keepAlive.close();
  }

  private static void stopQueryLens() {
    QueryLensRuntime running = QueryLensRuntime.active();
    if (running != null) {
      running.shutdown();
    }
    Hooks.install(HookListener.NO_OP);
    Hooks.installCaptureBridge(null);
  }

  @Test
  void captureStartsQueryLensWhenNoneRuns() throws Exception {
    assertThat(QueryLensRuntime.active()).isNull();

    try (QueryCapture capture = QueryLens.capture()) {
      QueryLensRuntime started = QueryLensRuntime.active();
      assertThat(started).isNotNull();
      assertThat(capture.name()).isEqualTo("capture");
      assertThat(capture.scope()).isEqualTo(CaptureScope.THIS_THREAD);

      Shop shop = new Shop(QueryLens.wrap(h2), suffix, false);
      assertThat(QueryLensRuntime.active()).isSameAs(started);
      shop.productNamesOneByOne(1, 2, 3, 4, 5, 6, 7, 8, 9, 10);

      assertThat(capture.count()).isEqualTo(10);
      assertThat(capture.findings()).extracting(finding -> finding.type()).containsExactly(FindingType.N_PLUS_ONE);
    }
  }

  @Test
  void wrapStartsQueryLensWhenNoneRuns() throws Exception {
    assertThat(QueryLensRuntime.active()).isNull();

    Shop shop = new Shop(QueryLens.wrap(h2), suffix, false);

    assertThat(QueryLensRuntime.active()).isNotNull();
    try (QueryCapture capture = QueryLens.capture(CaptureScope.ALL_THREADS)) {
      assertThat(shop.productName(3)).isEqualTo("product-3");
      capture.assertThat().statements().exactly(1).noFindings();
    }
  }

  @Test
  void wrapAndCaptureUseTheRunningQueryLens() throws Exception {
    try (ShopFixture lens = ShopFixture.open(TestDatabase.H2)) {
      DataSource watched = QueryLens.wrap(lens.pool);
      try (QueryCapture capture = QueryLens.capture("explicit", CaptureScope.THIS_THREAD)) {
        assertThat(QueryLensRuntime.active()).isSameAs(lens.runtime);
        new Shop(watched, lens.suffix, false).productNamesOneByOne(1, 2, 3, 4, 5);
        // The fixture's threshold (5), not the default one, applies.
        assertThat(capture.findings()).extracting(finding -> finding.type()).containsExactly(FindingType.N_PLUS_ONE);
      }
    }
  }

  @Test
  void saysQueryLensIsSwitchedOffWhenACaptureIsOpenedWithEnabledFalse() {
    QueryLensRuntime.start(io.querylens.config.QueryLensConfig.builder()
        .set(io.querylens.config.Settings.ENABLED, false)
        .set(io.querylens.config.Settings.SUMMARY, io.querylens.config.Settings.SummaryMode.NEVER).build(),
        QueryLensRuntime.Mode.LIBRARY, false);

    org.assertj.core.api.Assertions.assertThatThrownBy(QueryLens::capture)
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("querylens is switched off (querylens.enabled=false): it records nothing, so nothing can be"
            + " captured");
  }

  @Test
  void saysWhatIsWrongWithItsSettingsWhenItStartsItself() throws Exception {
    java.io.ByteArrayOutputStream said = new java.io.ByteArrayOutputStream();
    io.querylens.internal.Diagnostics.redirect(
        new java.io.PrintStream(said, true, java.nio.charset.StandardCharsets.UTF_8));
    System.setProperty("querylens.nplusone.threshold", "many");
    try {
      QueryLens.wrap(h2);
    } finally {
      System.clearProperty("querylens.nplusone.threshold");
      io.querylens.internal.Diagnostics.redirect(System.err);
    }

    assertThat(said.toString(java.nio.charset.StandardCharsets.UTF_8))
        .contains("[querylens] ignoring nplusone.threshold='many'");
    assertThat(QueryLensRuntime.active().config().get(io.querylens.config.Settings.NPLUSONE_THRESHOLD))
        .isEqualTo(5);
  }
}
