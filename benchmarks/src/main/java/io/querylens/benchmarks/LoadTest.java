package io.querylens.benchmarks;

import com.zaxxer.hikari.HikariDataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Arrays;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.concurrent.CountDownLatch;

/**
 * One load-test run against a real PostgreSQL: {@code threads} client threads, each borrowing a connection from
 * HikariCP, running one primary-key lookup and giving the connection back, as fast as they can for
 * {@code seconds}. Prints one line: {@code RESULT ops/s p50-us p99-us p999-us}. {@link LoadTestRunner} runs it with
 * and without the agent and compares.
 *
 * <pre>java -cp benchmarks/target/querylens-benchmarks.jar io.querylens.benchmarks.LoadTest URL THREADS SECONDS</pre>
 */
public final class LoadTest {

  static final String LOOKUP = "select id, name, price from load_items where id = ?";
  private static final int ITEMS = 100_000;
  private static final int WARM_UP_SECONDS = 5;

  private LoadTest() {}

  public static void main(String[] args) throws Exception {
    String url = args[0];
    int threads = Integer.parseInt(args[1]);
    int seconds = Integer.parseInt(args[2]);
    try (HikariDataSource pool = new HikariDataSource()) {
      pool.setJdbcUrl(url);
      pool.setMaximumPoolSize(threads);
      pool.setMinimumIdle(threads);
      prepareTable(pool);
      run(pool, threads, WARM_UP_SECONDS);
      long[][] latencies = run(pool, threads, seconds);
      long[] all = Arrays.stream(latencies).flatMapToLong(Arrays::stream).filter(nanos -> nanos > 0).sorted()
          .toArray();
      System.out.printf(Locale.ROOT, "RESULT %.0f %.1f %.1f %.1f%n", all.length / (double) seconds,
          percentile(all, 0.50) / 1000.0, percentile(all, 0.99) / 1000.0, percentile(all, 0.999) / 1000.0);
    }
  }

  private static void prepareTable(HikariDataSource pool) throws SQLException {
    try (Connection connection = pool.getConnection(); Statement statement = connection.createStatement()) {
      statement.execute("create table if not exists load_items (id int primary key, name varchar(40), price int)");
      try (ResultSet count = statement.executeQuery("select count(*) from load_items")) {
        count.next();
        if (count.getInt(1) == ITEMS) {
          return;
        }
      }
      statement.execute("truncate load_items");
      statement.execute("insert into load_items select x, 'item ' || x, (x * 7) % 1000 from generate_series(1, "
          + ITEMS + ") as x");
      statement.execute("analyze load_items");
    }
  }

  /** Runs the load; returns each thread's latencies (0 where a slot was not used). */
  private static long[][] run(HikariDataSource pool, int threads, int seconds) throws InterruptedException {
    long[][] latencies = new long[threads][];
    CountDownLatch done = new CountDownLatch(threads);
    long end = System.nanoTime() + seconds * 1_000_000_000L;
    for (int t = 0; t < threads; t++) {
      int thread = t;
      latencies[t] = new long[seconds * 50_000];
      Thread worker = new Thread(() -> {
        SplittableRandom random = new SplittableRandom(thread);
        long[] mine = latencies[thread];
        int n = 0;
        try {
          while (n < mine.length) {
            long start = System.nanoTime();
            if (start >= end) {
              break;
            }
            lookup(pool, 1 + random.nextInt(ITEMS));
            mine[n++] = System.nanoTime() - start;
          }
        } catch (SQLException failed) {
          throw new IllegalStateException(failed);
        } finally {
          done.countDown();
        }
      }, "load-" + t);
      worker.start();
    }
    done.await();
    return latencies;
  }

  private static int lookup(HikariDataSource pool, int id) throws SQLException {
    try (Connection connection = pool.getConnection();
        PreparedStatement lookup = connection.prepareStatement(LOOKUP)) {
      lookup.setInt(1, id);
      try (ResultSet row = lookup.executeQuery()) {
        return row.next() ? row.getInt(3) : -1;
      }
    }
  }

  private static long percentile(long[] sorted, double quantile) {
    return sorted.length == 0 ? 0 : sorted[(int) Math.min(sorted.length - 1, Math.ceil(quantile * sorted.length) - 1)];
  }
}
