package io.querylens.benchmarks;

import com.zaxxer.hikari.HikariDataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.hibernate.Session;
import org.hibernate.SessionFactory;
import org.hibernate.cfg.Configuration;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * What one JDBC operation costs, done the way ORMs and JdbcTemplate do it (prepare, bind, execute, read, close), on
 * H2 in memory. The same code runs under every {@link Config}: the raw driver, querylens' agent, p6spy,
 * datasource-proxy and a bare Byte Buddy agent; {@link OverheadReport} runs them side by side and reports ratios.
 *
 * <p>Inputs are precomputed (a power-of-two array of random ids); the measured methods only index it.
 *
 * <p>Run: {@code java -jar benchmarks/target/querylens-benchmarks.jar quick} (or {@code careful}).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class JdbcOverheadBenchmark {

  static final String LOOKUP = "select id, name, price from items where id = ?";
  static final String INSERT = "insert into events (id, payload) values (?, ?)";
  static final String RANGE = "select id, name, price from items where id between ? and ?";

  private static final int IDS = 1 << 16;

  private final int[] ids = new int[IDS];
  private int next;
  private long nextEvent;
  private Connection connection;
  private HikariDataSource pool;
  private DataSource pooled;
  private SessionFactory sessions;

  @Setup(Level.Trial)
  public void open() throws SQLException {
    Databases.create();
    SplittableRandom random = new SplittableRandom(42);
    for (int i = 0; i < IDS; i++) {
      ids[i] = 1 + random.nextInt(Databases.ITEMS - 100);
    }
    connection = Databases.direct().getConnection();
    pool = Databases.pool();
    pooled = Databases.wrap(pool);
    Configuration hibernate = new Configuration()
        .addAnnotatedClass(BenchAuthor.class)
        .addAnnotatedClass(BenchBook.class)
        .setProperty("hibernate.hbm2ddl.auto", "none");
    hibernate.getProperties().put("hibernate.connection.datasource", pooled);
    sessions = hibernate.buildSessionFactory();
  }

  @Setup(Level.Iteration)
  public void emptyEvents() throws SQLException {
    Databases.truncateEvents();
  }

  @TearDown(Level.Trial)
  public void close() throws SQLException {
    sessions.close();
    connection.close();
    pool.close();
  }

  private int nextId() {
    return ids[next++ & (IDS - 1)];
  }

  /** A primary-key lookup on a held connection. */
  @Benchmark
  public int primaryKeyLookup() throws SQLException {
    return lookup(connection, nextId());
  }

  /** One row inserted with its own statement (auto-commit). */
  @Benchmark
  public int singleRowInsert() throws SQLException {
    try (PreparedStatement insert = connection.prepareStatement(INSERT)) {
      insert.setLong(1, nextEvent++);
      insert.setString(2, "payload");
      return insert.executeUpdate();
    }
  }

  /** A select that reads 100 rows. */
  @Benchmark
  public long read100Rows() throws SQLException {
    int first = nextId();
    try (PreparedStatement range = connection.prepareStatement(RANGE)) {
      range.setInt(1, first);
      range.setInt(2, first + 99);
      long sum = 0;
      try (ResultSet rows = range.executeQuery()) {
        while (rows.next()) {
          sum += rows.getInt(3);
        }
      }
      return sum;
    }
  }

  /** A connection taken from HikariCP and given back, nothing run on it: what connection tracking adds. */
  @Benchmark
  public boolean pooledCheckoutClose() throws SQLException {
    try (Connection borrowed = pooled.getConnection()) {
      return borrowed.getAutoCommit();
    }
  }

  /** A pooled connection taken from HikariCP, one lookup, the connection given back. */
  @Benchmark
  public int pooledCheckoutLookupClose() throws SQLException {
    try (Connection borrowed = pooled.getConnection()) {
      return lookup(borrowed, nextId());
    }
  }

  /** Hibernate: a session, {@code find} by id, the lazy collection loaded, the session closed. */
  @Benchmark
  public int hibernateFindAndLazyCollection() {
    try (Session session = sessions.openSession()) {
      BenchAuthor author = session.find(BenchAuthor.class, (long) (1 + (nextId() % Databases.AUTHORS)));
      return author.getBooks().size();
    }
  }

  private static int lookup(Connection connection, int id) throws SQLException {
    try (PreparedStatement lookup = connection.prepareStatement(LOOKUP)) {
      lookup.setInt(1, id);
      try (ResultSet row = lookup.executeQuery()) {
        return row.next() ? row.getInt(3) : -1;
      }
    }
  }
}
