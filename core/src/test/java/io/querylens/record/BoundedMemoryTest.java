package io.querylens.record;

import static org.assertj.core.api.Assertions.assertThat;

import io.querylens.QueryLens;
import io.querylens.config.Settings;
import io.querylens.internal.Diagnostics;
import io.querylens.runtime.QueryLensRuntime;
import io.querylens.testing.Heap;
import io.querylens.testing.LibraryLens;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.UUID;
import javax.sql.DataSource;
import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * An application that sends 1,000,000 distinct SQL strings (half with their values written in, half each a statement
 * shape of its own) through querylens: what querylens keeps afterwards stays under 32 MB, because every cache and map
 * on the way is bounded (raw SQL cache, shapes past {@code shapes.max}, analysis queue, detectors' memories).
 */
class BoundedMemoryTest {

  private static final int STATEMENTS = 1_000_000;
  private static final long CAP_BYTES = 32L * 1024 * 1024;

  private final LibraryLens lens = new LibraryLens();
  private Connection keepAlive;

  @AfterEach
  void stop() throws SQLException {
    lens.close();
    if (keepAlive != null) {
      keepAlive.close();
    }
  }

  @Test
  void aMillionDistinctSqlStringsLeaveQuerylensUnderItsCap() throws Exception {
    JdbcDataSource h2 = new JdbcDataSource();
    h2.setURL("jdbc:h2:mem:" + UUID.randomUUID());
    keepAlive = h2.getConnection();
    try (Statement statement = keepAlive.createStatement()) {
      statement.execute("create table items (id int primary key, name varchar(40))");
      statement.execute("insert into items values (1, 'one')");
    }
    // The same work without querylens first: the baseline is the heap of the application, H2 and the JDK after it.
    run(h2, 20_000, "warm");
    long baseline = Heap.settled();
    QueryLensRuntime runtime = lens.start(settings -> settings.set(Settings.INDEX_ADVICE, false));
    DataSource watched = QueryLens.wrap(h2);

    long started = System.nanoTime();
    run(watched, STATEMENTS, "run");
    long seconds = System.nanoTime() - started;
    runtime.flush();
    long after = Heap.settled();

    long retained = Math.max(0, after - baseline); // everything querylens keeps, from its start
    assertThat(runtime.recorder().statementCount()).isGreaterThanOrEqualTo(STATEMENTS);
    assertThat(retained).as("heap kept after %,d distinct statements", STATEMENTS).isLessThan(CAP_BYTES);
    assertThat(Diagnostics.errorCounts()).as(lens.diagnostics()).isEmpty();
    System.out.printf("[figures] memory: %,d distinct SQL strings in %.1f s; heap kept afterwards %.1f MB (cap %d MB);"
            + " drops said: %s%n", STATEMENTS, seconds / 1e9, retained / 1048576.0, CAP_BYTES / 1048576,
        Diagnostics.dropCounts().keySet());
  }

  /** Half the statements differ only by a literal, half are each a shape of their own (a column alias). */
  private static void run(DataSource source, int count, String prefix) throws SQLException {
    try (Connection connection = source.getConnection(); Statement statement = connection.createStatement()) {
      for (int i = 0; i < count; i++) {
        String sql = i % 2 == 0
            ? "select name from items where id = 1 and name <> '" + prefix + "-" + i + "'"
            : "select name as n_" + prefix + "_" + i + " from items where id = 1";
        try (ResultSet rows = statement.executeQuery(sql)) {
          rows.next();
        }
      }
    }
  }
}
