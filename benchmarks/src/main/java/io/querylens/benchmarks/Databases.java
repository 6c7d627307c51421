package io.querylens.benchmarks;

import com.p6spy.engine.spy.P6DataSource;
import com.zaxxer.hikari.HikariDataSource;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import net.ttddyy.dsproxy.support.ProxyDataSourceBuilder;
import org.h2.jdbcx.JdbcDataSource;

/** The benchmark database (H2 in memory) and the wrapping each {@link Config} asks for. */
final class Databases {

  static final String URL = "jdbc:h2:mem:bench;DB_CLOSE_DELAY=-1";
  static final int ITEMS = 10_000;
  static final int AUTHORS = 1_000;

  private Databases() {}

  /** A plain H2 data source, wrapped as the current configuration asks. */
  static DataSource direct() {
    JdbcDataSource h2 = new JdbcDataSource();
    h2.setURL(URL);
    return wrap(h2);
  }

  /** A HikariCP pool over H2, wrapped (as Spring users wrap their pool) as the current configuration asks. */
  static HikariDataSource pool() {
    HikariDataSource pool = new HikariDataSource();
    pool.setJdbcUrl(URL);
    pool.setMaximumPoolSize(4);
    pool.setMinimumIdle(4);
    return pool;
  }

  static DataSource wrap(DataSource dataSource) {
    return switch (Config.current()) {
      case P6SPY_QUIET, P6SPY_FILE -> new P6DataSource(dataSource);
      case DSPROXY_SLOW -> ProxyDataSourceBuilder.create(dataSource).countQuery()
          .logSlowQueryBySlf4j(100, TimeUnit.MILLISECONDS).build();
      case DSPROXY_COUNTS -> ProxyDataSourceBuilder.create(dataSource).countQuery().build();
      default -> dataSource;
    };
  }

  /** Creates and fills the tables, with the plain driver (what setting up costs is not measured). */
  static void create() throws SQLException {
    JdbcDataSource h2 = new JdbcDataSource();
    h2.setURL(URL);
    try (Connection connection = h2.getConnection(); Statement statement = connection.createStatement()) {
      statement.execute("drop all objects");
      statement.execute("create table items (id int primary key, name varchar(40), price int)");
      statement.execute("insert into items select x, concat('item ', x), mod(x * 7, 1000) from system_range(1, "
          + ITEMS + ")");
      statement.execute("create table events (id bigint, payload varchar(40))");
      statement.execute("create table bench_authors (id bigint primary key, name varchar(40))");
      statement.execute("create table bench_books (id bigint primary key, title varchar(40), author_id bigint)");
      statement.execute("create index bench_books_author on bench_books (author_id)");
      statement.execute("insert into bench_authors select x, concat('author ', x) from system_range(1, "
          + AUTHORS + ")");
      statement.execute("insert into bench_books select x, concat('book ', x), mod(x, " + AUTHORS + ") + 1 "
          + "from system_range(1, " + AUTHORS * 3 + ")");
    }
  }

  static void truncateEvents() throws SQLException {
    JdbcDataSource h2 = new JdbcDataSource();
    h2.setURL(URL);
    try (Connection connection = h2.getConnection(); Statement statement = connection.createStatement()) {
      statement.execute("truncate table events");
    }
  }
}
