package io.querylens.testing;

import com.example.capture.Shop;
import com.zaxxer.hikari.HikariDataSource;
import io.querylens.QueryLens;
import io.querylens.bootstrap.HookListener;
import io.querylens.bootstrap.Hooks;
import io.querylens.config.QueryLensConfig;
import io.querylens.config.Settings;
import io.querylens.runtime.QueryLensRuntime;
import io.querylens.testing.TestDatabases.TestDatabase;
import java.sql.SQLException;
import java.util.function.UnaryOperator;
import javax.sql.DataSource;

/**
 * querylens running in library mode with explicit settings (N+1 threshold {@value #N_PLUS_ONE_THRESHOLD}, slow query
 * threshold {@value #SLOW_MS} ms, no summary), a HikariCP pool over one test database with the {@link Shop}'s tables
 * under a unique suffix, and the shop on the pool wrapped by {@link QueryLens#wrap}. Closing it drops the tables,
 * closes the pool, shuts querylens down and uninstalls the hooks.
 */
public final class ShopFixture implements AutoCloseable {

  public static final int N_PLUS_ONE_THRESHOLD = 5;
  public static final long SLOW_MS = 50;
  public static final int PRODUCTS = 20;

  public final TestDatabase database;
  public final QueryLensRuntime runtime;
  /** The pool itself: querylens does not see what runs through it. */
  public final HikariDataSource pool;
  /** The pool, watched by querylens. */
  public final DataSource watched;
  public final String suffix;
  public final Shop shop;

  private ShopFixture(TestDatabase database, UnaryOperator<QueryLensConfig.Builder> settings) throws SQLException {
    this.database = database;
    this.suffix = TestDatabases.uniqueSuffix();
    QueryLensConfig.Builder config = QueryLensConfig.builder()
        .set(Settings.NPLUSONE_THRESHOLD, N_PLUS_ONE_THRESHOLD)
        .set(Settings.SLOW_THRESHOLD_MS, SLOW_MS)
        .set(Settings.SUMMARY, Settings.SummaryMode.NEVER);
    this.runtime = QueryLensRuntime.start(settings.apply(config).build(), QueryLensRuntime.Mode.LIBRARY, false);
    HikariDataSource opened = null;
    try {
      opened = database.pool();
      Shop.createSchema(opened, suffix, PRODUCTS, database.isPostgres());
    } catch (RuntimeException | SQLException | Error failed) {
      if (opened != null) {
        opened.close();
      }
      stopQueryLens();
      throw failed;
    }
    this.pool = opened;
    this.watched = QueryLens.wrap(pool);
    this.shop = new Shop(watched, suffix, database.isPostgres());
  }

  public static ShopFixture open(TestDatabase database) throws SQLException {
    return open(database, UnaryOperator.identity());
  }

  /** Opens with the default test settings, then {@code settings}. */
  public static ShopFixture open(TestDatabase database, UnaryOperator<QueryLensConfig.Builder> settings)
      throws SQLException {
    return new ShopFixture(database, settings);
  }

  /** The products table's name. */
  public String products() {
    return shop.products();
  }

  public String orders() {
    return shop.orders();
  }

  @Override
  public void close() throws SQLException {
    try {
      if (database.isPostgres()) {
        Shop.dropSchema(pool, suffix);
      }
    } finally {
      try {
        pool.close();
      } finally {
        stopQueryLens();
      }
    }
  }

  private void stopQueryLens() {
    runtime.shutdown();
    Hooks.install(HookListener.NO_OP);
    Hooks.installCaptureBridge(null);
  }
}
