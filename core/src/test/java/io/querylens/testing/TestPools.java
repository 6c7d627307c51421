package io.querylens.testing;

import com.zaxxer.hikari.HikariDataSource;
import io.querylens.testing.TestDatabases.TestDatabase;
import java.time.Duration;
import java.util.List;
import javax.sql.DataSource;
import org.apache.commons.dbcp2.BasicDataSource;
import org.apache.tomcat.jdbc.pool.PoolProperties;

/** Real connection pools (HikariCP, Apache DBCP2, Tomcat JDBC) over a test database. */
public final class TestPools {

  private TestPools() {}

  /** One pool implementation. */
  public enum PoolType {
    HIKARI,
    DBCP2,
    TOMCAT;

    @Override
    public String toString() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }
  }

  public static List<PoolType> all() {
    return List.of(PoolType.values());
  }

  /**
   * A pool of at most {@code size} connections to {@code database} (a fresh H2 database, or the configured
   * PostgreSQL), waiting at most {@code timeoutMillis} for a free one.
   */
  public static DataSource create(PoolType type, TestDatabase database, int size, long timeoutMillis) {
    String url = database.pooledUrl();
    String driver = database.isPostgres() ? "org.postgresql.Driver" : "org.h2.Driver";
    switch (type) {
      case HIKARI: {
        HikariDataSource pool = new HikariDataSource();
        pool.setJdbcUrl(url);
        pool.setMaximumPoolSize(size);
        pool.setMinimumIdle(1);
        pool.setConnectionTimeout(timeoutMillis);
        pool.setPoolName("test-hikari-" + size);
        return pool;
      }
      case DBCP2: {
        BasicDataSource pool = new BasicDataSource();
        pool.setDriverClassName(driver);
        pool.setUrl(url);
        pool.setMaxTotal(size);
        pool.setMaxIdle(size);
        pool.setMaxWait(Duration.ofMillis(timeoutMillis));
        return pool;
      }
      case TOMCAT: {
        PoolProperties properties = new PoolProperties();
        properties.setUrl(url);
        properties.setDriverClassName(driver);
        properties.setMaxActive(size);
        properties.setMaxIdle(size);
        properties.setMinIdle(0);
        properties.setInitialSize(0);
        properties.setMaxWait((int) timeoutMillis);
        properties.setJmxEnabled(false);
        properties.setName("test-tomcat-" + size);
        return new org.apache.tomcat.jdbc.pool.DataSource(properties);
      }
      default:
        throw new IllegalArgumentException(type.name());
    }
  }

  /** Closes a pool made by {@link #create}. */
  public static void close(DataSource pool) throws Exception {
    if (pool instanceof HikariDataSource hikari) {
      hikari.close();
    } else if (pool instanceof BasicDataSource dbcp) {
      dbcp.close();
    } else if (pool instanceof org.apache.tomcat.jdbc.pool.DataSource tomcat) {
      tomcat.close(true);
    }
  }
}
