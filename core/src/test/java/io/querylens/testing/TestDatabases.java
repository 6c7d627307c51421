package io.querylens.testing;

import com.zaxxer.hikari.HikariDataSource;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;

/**
 * The databases the JDBC-facing tests run on: H2 (in memory) always; PostgreSQL when {@code QUERYLENS_PG_URL} names
 * one, e.g. {@code jdbc:postgresql://localhost:5432/querylens?user=querylens&password=querylens}. Without it the
 * PostgreSQL runs are skipped (reported as skipped), unless {@code QUERYLENS_PG_REQUIRED=true}, which makes that a
 * failure. Tests on PostgreSQL share one database: they must use their own table names and drop them.
 */
public final class TestDatabases {

  private TestDatabases() {}

  /** One database to run on. */
  public enum TestDatabase {
    H2,
    POSTGRESQL;

    /** Whether statements go to PostgreSQL (its dialect differs in a few places, e.g. sleeping). */
    public boolean isPostgres() {
      return this == POSTGRESQL;
    }

    /**
     * A HikariCP pool over this database: a fresh in-memory H2 database, or the PostgreSQL of
     * {@code QUERYLENS_PG_URL}. Skips the calling test when PostgreSQL is not configured (fails it when required).
     */
    public HikariDataSource pool() {
      HikariDataSource pool = new HikariDataSource();
      pool.setJdbcUrl(url());
      pool.setMaximumPoolSize(4);
      pool.setMinimumIdle(1);
      pool.setPoolName("querylens-test-" + name().toLowerCase(java.util.Locale.ROOT));
      return pool;
    }

    /** The JDBC URL; skips (or fails, when required) the calling test when PostgreSQL is not configured. */
    public String url() {
      if (this == H2) {
        return "jdbc:h2:mem:" + UUID.randomUUID();
      }
      String url = postgresUrl();
      if (url == null) {
        Assumptions.abort("QUERYLENS_PG_URL is not set; PostgreSQL runs are skipped");
      }
      return url;
    }

    @Override
    public String toString() {
      return this == H2 ? "h2" : "postgresql";
    }
  }

  /** Every database, PostgreSQL included (its tests skip themselves when it is not configured). */
  public static List<TestDatabase> all() {
    return List.of(TestDatabase.H2, TestDatabase.POSTGRESQL);
  }

  /** {@code QUERYLENS_PG_URL}, or null; fails when it is unset and {@code QUERYLENS_PG_REQUIRED=true}. */
  public static String postgresUrl() {
    String url = System.getenv("QUERYLENS_PG_URL");
    if (url == null || url.isBlank()) {
      if ("true".equalsIgnoreCase(System.getenv("QUERYLENS_PG_REQUIRED"))) {
        Assertions.fail("QUERYLENS_PG_REQUIRED=true but QUERYLENS_PG_URL is not set");
      }
      return null;
    }
    return url;
  }

  /** A table-name suffix unique to one test: {@code t3f9a0c21}. */
  public static String uniqueSuffix() {
    return "t" + UUID.randomUUID().toString().replace("-", "").substring(0, 10);
  }
}
