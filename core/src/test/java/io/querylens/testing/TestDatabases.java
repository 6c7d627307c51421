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
 * failure. MariaDB likewise with {@code QUERYLENS_MARIADB_URL} (e.g.
 * {@code jdbc:mariadb://localhost:3306/querylens?user=querylens&password=querylens}) and
 * {@code QUERYLENS_MARIADB_REQUIRED}, only for the tests whose SQL it speaks ({@link #withMariaDb}). Tests on
 * PostgreSQL or MariaDB share one database: they must use their own table names and drop them.
 */
public final class TestDatabases {

  private TestDatabases() {}

  /** One database to run on. */
  public enum TestDatabase {
    H2,
    POSTGRESQL,
    MARIADB;

    /** Whether statements go to PostgreSQL (its dialect differs in a few places, e.g. sleeping). */
    public boolean isPostgres() {
      return this == POSTGRESQL;
    }

    /** Whether statements go to MariaDB. */
    public boolean isMariaDb() {
      return this == MARIADB;
    }

    /**
     * A HikariCP pool over this database: a fresh in-memory H2 database, or the PostgreSQL of
     * {@code QUERYLENS_PG_URL}, or the MariaDB of {@code QUERYLENS_MARIADB_URL}. Skips the calling test when that
     * database is not configured (fails it when required).
     */
    public HikariDataSource pool() {
      HikariDataSource pool = new HikariDataSource();
      pool.setJdbcUrl(url());
      pool.setMaximumPoolSize(4);
      pool.setMinimumIdle(1);
      pool.setPoolName("querylens-test-" + name().toLowerCase(java.util.Locale.ROOT));
      return pool;
    }

    /** The JDBC URL; skips (or fails, when required) the calling test when its database is not configured. */
    public String url() {
      if (this == H2) {
        return "jdbc:h2:mem:" + UUID.randomUUID();
      }
      String url = this == POSTGRESQL ? postgresUrl() : mariaDbUrl();
      if (url == null) {
        Assumptions.abort((this == POSTGRESQL ? "QUERYLENS_PG_URL" : "QUERYLENS_MARIADB_URL") + " is not set; "
            + this + " runs are skipped");
      }
      return url;
    }

    /**
     * As {@link #url()}, for a pool or data source that opens and closes connections on its own: an in-memory H2
     * database is kept until the JVM ends instead of going with its last connection.
     */
    public String pooledUrl() {
      return this == H2 ? url() + ";DB_CLOSE_DELAY=-1" : url();
    }

    @Override
    public String toString() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }
  }

  /** H2 and PostgreSQL (whose tests skip themselves when it is not configured): what most tests' SQL is written for. */
  public static List<TestDatabase> all() {
    return List.of(TestDatabase.H2, TestDatabase.POSTGRESQL);
  }

  /**
   * H2, PostgreSQL and MariaDB, for the tests whose SQL all three speak (MariaDB's tests skip themselves when it is
   * not configured).
   */
  public static List<TestDatabase> withMariaDb() {
    return List.of(TestDatabase.H2, TestDatabase.POSTGRESQL, TestDatabase.MARIADB);
  }

  /** {@code QUERYLENS_PG_URL}, or null; fails when it is unset and {@code QUERYLENS_PG_REQUIRED=true}. */
  public static String postgresUrl() {
    return configuredUrl("QUERYLENS_PG");
  }

  /** {@code QUERYLENS_MARIADB_URL}, or null; fails when it is unset and {@code QUERYLENS_MARIADB_REQUIRED=true}. */
  public static String mariaDbUrl() {
    return configuredUrl("QUERYLENS_MARIADB");
  }

  private static String configuredUrl(String prefix) {
    String url = System.getenv(prefix + "_URL");
    if (url == null || url.isBlank()) {
      if ("true".equalsIgnoreCase(System.getenv(prefix + "_REQUIRED"))) {
        Assertions.fail(prefix + "_REQUIRED=true but " + prefix + "_URL is not set");
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
