package com.example.pools;

import com.zaxxer.hikari.HikariDataSource;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.apache.commons.dbcp2.BasicDataSource;
import org.apache.tomcat.jdbc.pool.PoolProperties;

/**
 * Connection pools under the agent, with nothing querylens-specific in the code: {@code PoolsApp <scenario> <pool>}
 * with scenarios {@code exhaustion} (16 threads sharing 4 connections, each held 300 ms), {@code leak} (a connection
 * taken and closed only after 1.5 s), {@code light} (3 threads, short uses, a pool of 8) and pools {@code hikari},
 * {@code dbcp2}, {@code tomcat}, {@code c3p0} and {@code drivermanager} (no pool). The database is H2, or the
 * PostgreSQL given as {@code -Dscenario.db=jdbc:postgresql:...}.
 */
public final class PoolsApp {

  private PoolsApp() {}

  public static void main(String[] args) throws Exception {
    String scenario = args[0];
    String poolName = args[1];
    DataSource pool = pool(poolName, scenario.equals("light") ? 8 : 4);
    String table = "ledger_" + Long.toHexString(System.nanoTime());
    try (Connection connection = pool.getConnection(); Statement statement = connection.createStatement()) {
      statement.execute("create table " + table + " (id bigint primary key, account_id bigint, amount bigint)");
      statement.execute("insert into " + table + " values (1, 1, 10), (2, 1, 20), (3, 2, 30)");
    }
    switch (scenario) {
      case "exhaustion" -> concurrently(16, () -> new Reports(pool, table).build(1, 300));
      case "light" -> concurrently(3, () -> {
        for (int i = 0; i < 30; i++) {
          new Reports(pool, table).build(2, 0);
        }
      });
      case "leak" -> {
        Connection leaked = new ExportJob(pool, table).start();
        Thread.sleep(1_500);
        leaked.close();
        Thread.sleep(300);
      }
      default -> throw new IllegalArgumentException(scenario);
    }
    System.out.println("done " + scenario + " on " + poolName);
    // Let the worker see the end of an exhaustion episode before the JVM exits.
    // Light use waits long enough for one pool statistics line (pool.stats.interval=1).
    Thread.sleep(scenario.equals("leak") ? 200 : 1_500);
    close(pool);
  }

  private static String url() {
    String url = System.getProperty("scenario.db", "h2");
    return url.equals("h2") ? "jdbc:h2:mem:pools;DB_CLOSE_DELAY=-1" : url;
  }

  static DataSource pool(String name, int size) {
    String url = url();
    String driver = url.startsWith("jdbc:postgresql:") ? "org.postgresql.Driver" : "org.h2.Driver";
    switch (name) {
      case "hikari": {
        HikariDataSource pool = new HikariDataSource();
        pool.setJdbcUrl(url);
        pool.setMaximumPoolSize(size);
        pool.setPoolName("orders-pool");
        return pool;
      }
      case "dbcp2": {
        BasicDataSource pool = new BasicDataSource();
        pool.setDriverClassName(driver);
        pool.setUrl(url);
        pool.setMaxTotal(size);
        pool.setMaxWait(Duration.ofSeconds(30));
        return pool;
      }
      case "tomcat": {
        PoolProperties properties = new PoolProperties();
        properties.setUrl(url);
        properties.setDriverClassName(driver);
        properties.setMaxActive(size);
        properties.setMaxIdle(size);
        properties.setInitialSize(0);
        properties.setMinIdle(0);
        properties.setJmxEnabled(false);
        properties.setName("orders-pool");
        return new org.apache.tomcat.jdbc.pool.DataSource(properties);
      }
      case "c3p0": {
        com.mchange.v2.c3p0.ComboPooledDataSource pool = new com.mchange.v2.c3p0.ComboPooledDataSource();
        pool.setJdbcUrl(url);
        pool.setMaxPoolSize(size);
        pool.setMinPoolSize(0);
        pool.setInitialPoolSize(0);
        pool.setCheckoutTimeout(30_000);
        pool.setDataSourceName("orders-pool");
        return pool;
      }
      case "drivermanager":
        return new DriverManagerSource(url);
      default:
        throw new IllegalArgumentException(name);
    }
  }

  private static void close(DataSource pool) throws Exception {
    if (pool instanceof com.mchange.v2.c3p0.PooledDataSource c3p0) {
      c3p0.close();
    } else if (pool instanceof AutoCloseable closeable) {
      closeable.close();
    } else if (pool instanceof org.apache.tomcat.jdbc.pool.DataSource tomcat) {
      tomcat.close(true);
    }
  }

  private interface Work {
    void run() throws Exception;
  }

  private static void concurrently(int threads, Work work) throws Exception {
    ExecutorService executor = Executors.newFixedThreadPool(threads);
    List<Future<?>> done = new ArrayList<>();
    for (int i = 0; i < threads; i++) {
      done.add(executor.submit(() -> {
        work.run();
        return null;
      }));
    }
    for (Future<?> each : done) {
      each.get(60, TimeUnit.SECONDS);
    }
    executor.shutdown();
  }

  /** Takes connections from {@code DriverManager}: no pool, a new physical connection each time. */
  private static final class DriverManagerSource implements DataSource {
    private final String url;

    DriverManagerSource(String url) {
      this.url = url;
    }

    @Override
    public Connection getConnection() throws SQLException {
      return DriverManager.getConnection(url);
    }

    @Override
    public Connection getConnection(String user, String password) throws SQLException {
      return DriverManager.getConnection(url, user, password);
    }

    @Override
    public java.io.PrintWriter getLogWriter() {
      return null;
    }

    @Override
    public void setLogWriter(java.io.PrintWriter out) {}

    @Override
    public void setLoginTimeout(int seconds) {}

    @Override
    public int getLoginTimeout() {
      return 0;
    }

    @Override
    public java.util.logging.Logger getParentLogger() {
      return java.util.logging.Logger.getGlobal();
    }

    @Override
    public <T> T unwrap(Class<T> type) throws SQLException {
      throw new SQLException("not a wrapper");
    }

    @Override
    public boolean isWrapperFor(Class<?> type) {
      return false;
    }
  }

  /** Reads an account's entries holding its connection a while: the holder of an exhaustion finding. */
  static final class Reports {
    private final DataSource dataSource;
    private final String table;

    Reports(DataSource dataSource, String table) {
      this.dataSource = dataSource;
      this.table = table;
    }

    long build(long account, long holdMillis) throws SQLException, InterruptedException {
      try (Connection connection = dataSource.getConnection();
          PreparedStatement select = connection.prepareStatement(
              "select sum(amount) from " + table + " where account_id = ?")) {
        select.setLong(1, account);
        long sum;
        try (ResultSet rows = select.executeQuery()) {
          rows.next();
          sum = rows.getLong(1);
        }
        Thread.sleep(holdMillis);
        return sum;
      }
    }
  }

  /** Takes a connection it hands back open: the taker of a leak finding. */
  static final class ExportJob {
    private final DataSource dataSource;
    private final String table;

    ExportJob(DataSource dataSource, String table) {
      this.dataSource = dataSource;
      this.table = table;
    }

    Connection start() throws SQLException {
      Connection connection = dataSource.getConnection();
      try (Statement statement = connection.createStatement();
          ResultSet rows = statement.executeQuery("select id, amount from " + table + " where account_id = 1")) {
        while (rows.next()) {
          rows.getLong(2);
        }
      }
      return connection;
    }
  }
}
