package io.querylens.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.example.capture.Shop;
import com.zaxxer.hikari.HikariConfigMXBean;
import com.zaxxer.hikari.HikariDataSource;
import io.querylens.QueryLens;
import io.querylens.capture.CaptureScope;
import io.querylens.capture.CapturedStatement;
import io.querylens.capture.QueryCapture;
import io.querylens.finding.FindingType;
import io.querylens.sql.StatementKind;
import io.querylens.testing.ShopFixture;
import io.querylens.testing.TestDatabases.TestDatabase;
import java.io.Closeable;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@code QueryLens.wrap} / {@link WatchedJdbc} over real drivers behind HikariCP: everything the application gets back
 * (rows, update counts, generated keys, exceptions, unwrapped objects) is what it would get without querylens, and
 * querylens sees each execution once, with its bind values.
 */
@ParameterizedClass(name = "on {0}")
@MethodSource("io.querylens.testing.TestDatabases#all")
class WatchedJdbcTest {

  @Parameter TestDatabase database;

  private ShopFixture lens;
  private Shop shop;
  /** The same shop on the pool itself: what the application would get without querylens. */
  private Shop unwatchedShop;

  @BeforeEach
  void open() throws Exception {
    lens = ShopFixture.open(database);
    shop = lens.shop;
    unwatchedShop = new Shop(lens.pool, lens.suffix, database.isPostgres());
  }

  @AfterEach
  void close() throws Exception {
    if (lens != null) {
      lens.close();
    }
  }

  private static QueryCapture capture() {
    return QueryLens.capture("watched", CaptureScope.THIS_THREAD);
  }

  private long[] productIds() {
    long[] ids = new long[ShopFixture.PRODUCTS];
    for (int i = 0; i < ids.length; i++) {
      ids[i] = i + 1;
    }
    return ids;
  }

  @Test
  void returnsTheSameRowsAsTheUnwatchedPool() throws Exception {
    try (QueryCapture capture = capture()) {
      assertThat(shop.productNamesOneByOne(productIds())).isEqualTo(unwatchedShop.productNamesOneByOne(productIds()))
          .hasSize(ShopFixture.PRODUCTS);
      assertThat(shop.productNamesAtOnce(3, 1, 2)).isEqualTo(unwatchedShop.productNamesAtOnce(3, 1, 2))
          .containsExactly("product-1", "product-2", "product-3");
      assertThat(shop.namesLike("%-1_")).isEqualTo(unwatchedShop.namesLike("%-1_")).hasSize(10);
      assertThat(shop.productName(999)).isNull();
      assertThat(shop.countProducts()).isEqualTo(ShopFixture.PRODUCTS);
      assertThat(capture.count()).isEqualTo(ShopFixture.PRODUCTS + 4);
    }
  }

  @Test
  void returnsUpdateCountsAndBatchResultsUnchanged() throws Exception {
    try (QueryCapture capture = capture()) {
      assertThat(shop.raisePrices(5)).isEqualTo(ShopFixture.PRODUCTS);
      int[] batch = shop.insertOrdersInBatch(3, 4);
      assertThat(batch).hasSize(4).containsOnly(batch[0]);
      assertThat(batch[0]).isIn(1, Statement.SUCCESS_NO_INFO);
      shop.insertOrdersOneByOne(3, 2);
      assertThat(shop.deleteOrdersOf(3)).isEqualTo(6);
      assertThat(shop.deleteOrdersOf(3)).isZero();
      capture.assertThat().updates().exactly(1).inserts().exactly(3).deletes().exactly(2);
    }
    try (Connection connection = lens.pool.getConnection(); Statement statement = connection.createStatement();
        ResultSet rows = statement.executeQuery("select min(price), max(price) from " + lens.products())) {
      rows.next();
      assertThat(rows.getInt(1)).isEqualTo(105);
      assertThat(rows.getInt(2)).isEqualTo(105);
    }
  }

  @Test
  void returnsGeneratedKeys() throws Exception {
    long first = shop.placeOrder(1, 1);
    long second = shop.placeOrder(1, 2);
    long unwatched = unwatchedShop.placeOrder(1, 3);
    assertThat(second).isGreaterThan(first);
    assertThat(unwatched).isGreaterThan(second);
    try (Connection connection = lens.pool.getConnection(); PreparedStatement statement = connection.prepareStatement(
        "select quantity from " + lens.orders() + " where id = ?")) {
      statement.setLong(1, second);
      try (ResultSet rows = statement.executeQuery()) {
        assertThat(rows.next()).isTrue();
        assertThat(rows.getInt(1)).isEqualTo(2);
      }
    }
  }

  @Test
  void throwsTheDriversSqlExceptionUnchanged() throws Exception {
    SQLException unwatched = catchThrowableOfType(SQLException.class, unwatchedShop::readMissingTable);
    try (QueryCapture capture = capture()) {
      SQLException watched = catchThrowableOfType(SQLException.class, shop::readMissingTable);

      assertThat((Throwable) watched).isNotNull().hasSameClassAs(unwatched);
      assertThat(watched.getSQLState()).isEqualTo(unwatched.getSQLState()).isNotBlank();
      assertThat(watched.getErrorCode()).isEqualTo(unwatched.getErrorCode());
      assertThat(watched.getMessage()).isEqualTo(unwatched.getMessage());
      assertThat(capture.statements()).singleElement().satisfies(statement -> {
        assertThat(statement.failed()).isTrue();
        assertThat(statement.callSite()).startsWith("com.example.capture.Shop.readMissingTable(Shop.java:");
      });
    }
    // The pool still works after the failure.
    assertThat(shop.productName(1)).isEqualTo("product-1");
  }

  @Test
  void throwsExceptionsOfPrepareUnchangedInsideATransaction() throws Exception {
    Class<? extends SQLException> expected;
    try (Connection connection = lens.pool.getConnection()) {
      expected = catchThrowableOfType(SQLException.class, () -> {
        try (PreparedStatement statement = connection.prepareStatement("select nope from no_such_table_at_all")) {
          statement.executeQuery();
        }
      }).getClass();
    }
    try (Connection connection = lens.watched.getConnection()) {
      connection.setAutoCommit(false);
      assertThatThrownBy(() -> {
        try (PreparedStatement statement = connection.prepareStatement("select nope from no_such_table_at_all")) {
          statement.executeQuery();
        }
      }).isExactlyInstanceOf(expected);
      connection.rollback();
      connection.setAutoCommit(true);
    }
  }

  @Test
  void rollbackAndCommitReachTheDatabase() throws Exception {
    try (Connection connection = lens.watched.getConnection()) {
      connection.setAutoCommit(false);
      try (PreparedStatement insert = connection.prepareStatement(
          "insert into " + lens.orders() + " (product_id, quantity) values (?, ?)")) {
        insert.setLong(1, 7);
        insert.setInt(2, 1);
        assertThat(insert.executeUpdate()).isEqualTo(1);
        connection.rollback();
        insert.setLong(1, 8);
        insert.setInt(2, 1);
        insert.executeUpdate();
        connection.commit();
      }
      connection.setAutoCommit(true);
    }
    try (Connection connection = lens.pool.getConnection(); Statement statement = connection.createStatement();
        ResultSet rows = statement.executeQuery("select product_id from " + lens.orders())) {
      List<Long> productIds = new ArrayList<>();
      while (rows.next()) {
        productIds.add(rows.getLong(1));
      }
      assertThat(productIds).containsExactly(8L);
    }
  }

  @Test
  void unwrapsToThePoolAndTheDriver() throws Exception {
    DataSource watched = lens.watched;
    assertThat(watched).isNotSameAs(lens.pool);
    assertThat(watched.unwrap(HikariDataSource.class)).isSameAs(lens.pool);
    assertThat(watched.isWrapperFor(HikariDataSource.class)).isTrue();
    assertThat(watched.isWrapperFor(HikariConfigMXBean.class)).isTrue();
    assertThat(watched).isInstanceOf(Closeable.class).isInstanceOf(HikariConfigMXBean.class);
    assertThat(((HikariConfigMXBean) watched).getMaximumPoolSize()).isEqualTo(lens.pool.getMaximumPoolSize());
    assertThat(watched.isWrapperFor(Shop.class)).isFalse();
    assertThatThrownBy(() -> watched.unwrap(Shop.class)).isInstanceOf(SQLException.class);
    assertThat(watched.toString()).startsWith("querylens-watched ");
    assertThat(watched).isEqualTo(watched).isNotEqualTo(lens.pool);

    Class<? extends Connection> driverConnection = database.isPostgres()
        ? org.postgresql.jdbc.PgConnection.class : org.h2.jdbc.JdbcConnection.class;
    try (Connection connection = watched.getConnection()) {
      assertThat(connection.isWrapperFor(driverConnection)).isTrue();
      assertThat(connection.unwrap(driverConnection)).isInstanceOf(driverConnection);
      try (PreparedStatement statement = connection.prepareStatement("select 1")) {
        assertThat(statement.getConnection()).isSameAs(connection);
        assertThat(statement.unwrap(PreparedStatement.class)).isNotSameAs(statement);
      }
    }
  }

  @Test
  void wrappingTwiceCountsEachExecutionOnce() throws Exception {
    DataSource twice = QueryLens.wrap(lens.watched);
    assertThat(twice).isSameAs(lens.watched);
    try (Connection connection = twice.getConnection()) {
      assertThat(WatchedJdbc.wrap(connection)).isSameAs(connection);
    }
    try (QueryCapture capture = capture()) {
      new Shop(twice, lens.suffix, database.isPostgres()).productName(1);
      capture.assertThat().statements().exactly(1);
    }
  }

  @Test
  void aPoolOverAWatchedDriverDataSourceWrappedAgainCountsEachExecutionOnce() throws Exception {
    DataSource driver = driverDataSource();
    try (HikariDataSource pool = new HikariDataSource()) {
      pool.setDataSource(WatchedJdbc.wrap(driver));
      pool.setMaximumPoolSize(2);
      Shop layered = new Shop(QueryLens.wrap(pool), lens.suffix, database.isPostgres());
      try (QueryCapture capture = capture()) {
        assertThat(layered.productNamesReusingStatement(1, 2, 3, 4, 5)).hasSize(5);
        layered.insertOrdersInBatch(1, 3);

        capture.assertThat().selects().exactly(5).inserts().exactly(1).statements().exactly(6);
        assertThat(capture.statements().get(5).batchSize()).isEqualTo(3);
        assertThat(capture.findings()).singleElement().satisfies(finding -> {
          assertThat(finding.type()).isEqualTo(FindingType.N_PLUS_ONE);
          assertThat(finding.count()).isEqualTo(5);
          assertThat(finding.callSite())
              .startsWith("com.example.capture.Shop.productNamesReusingStatement(Shop.java:");
        });
      }
    }
  }

  /** A plain driver data source on the fixture's database, without a pool. */
  private DataSource driverDataSource() {
    if (database.isPostgres()) {
      org.postgresql.ds.PGSimpleDataSource postgres = new org.postgresql.ds.PGSimpleDataSource();
      postgres.setURL(lens.pool.getJdbcUrl());
      return postgres;
    }
    org.h2.jdbcx.JdbcDataSource h2 = new org.h2.jdbcx.JdbcDataSource();
    h2.setURL(lens.pool.getJdbcUrl());
    return h2;
  }

  @Test
  void aPreparedBatchIsOneStatementWithItsRowCount() throws Exception {
    try (QueryCapture capture = capture()) {
      shop.insertOrdersInBatch(2, 12);

      assertThat(capture.statements()).singleElement().satisfies(statement -> {
        assertThat(statement.kind()).isEqualTo(StatementKind.INSERT);
        assertThat(statement.batch()).isTrue();
        assertThat(statement.batchSize()).isEqualTo(12);
        assertThat(statement.sql()).isEqualTo("insert into " + lens.orders() + " (product_id, quantity) values (?, ?)");
        assertThat(statement.callSite()).startsWith("com.example.capture.Shop.insertOrdersInBatch(Shop.java:");
      });
      capture.assertThat().writesBatched().inserts().exactly(1);
    }
  }

  @Test
  void aPlainStatementBatchIsOneStatementNamedByItsFirstSql() throws Exception {
    try (QueryCapture capture = capture();
        Connection connection = lens.watched.getConnection();
        Statement statement = connection.createStatement()) {
      statement.addBatch("insert into " + lens.orders() + " (product_id, quantity) values (1, 1)");
      statement.addBatch("insert into " + lens.orders() + " (product_id, quantity) values (2, 2)");
      statement.addBatch("update " + lens.products() + " set price = 1 where id = 3");
      assertThat(statement.executeBatch()).hasSize(3);

      assertThat(capture.statements()).singleElement().satisfies(batch -> {
        assertThat(batch.batch()).isTrue();
        assertThat(batch.batchSize()).isEqualTo(3);
        assertThat(batch.sql()).isEqualTo("insert into " + lens.orders() + " (product_id, quantity) values (?, ?)");
      });
    }
  }

  @Test
  void distinctBindValuesOnOnePreparedStatementAreAnNPlusOne() throws Exception {
    try (QueryCapture capture = capture()) {
      shop.productNamesReusingStatement(1, 2, 3, 4, 5);
      assertThat(capture.findings()).extracting(finding -> finding.type()).containsExactly(FindingType.N_PLUS_ONE);
    }
    try (QueryCapture capture = capture()) {
      shop.namesLikeEach("product-1", "product-2", "product-3", "product-4", "product-5");
      assertThat(capture.findings()).singleElement().satisfies(finding -> {
        assertThat(finding.type()).isEqualTo(FindingType.N_PLUS_ONE);
        assertThat(finding.callSite()).startsWith("com.example.capture.Shop.namesLikeEach(Shop.java:");
      });
    }
  }

  @Test
  void repeatedIdenticalBindValuesAreNotAnNPlusOne() throws Exception {
    try (QueryCapture capture = capture()) {
      shop.productNamesReusingStatement(7, 7, 7, 7, 7, 7, 7, 7, 7, 7);
      shop.productNamesReusingStatement(1, 2, 3, 1, 2, 3, 1, 2, 3, 1, 2, 3); // with 7: 4 distinct, below 5
      shop.namesLikeEach("product-1", "product-1", "product-1", "product-1", "product-1", "product-1");

      capture.assertThat().noNPlusOne().selects().exactly(28);
      assertThatThrownBy(() -> capture.assertThat().noRepeatedSelects())
          .hasMessageStartingWith("Expected no select repeated with the same values, found 5:"); // 7, 1, 2, 3 and the name
    }
  }

  @Test
  void valuesBoundBeforeEachExecutionAreTold() throws Exception {
    try (QueryCapture capture = capture()) {
      shop.productNamesReusingStatement(1, 2);
      shop.productNamesReusingStatement(2, 1);
      List<CapturedStatement> statements = capture.statements();
      assertThat(statements.get(0).valuesId()).isNotEqualTo(statements.get(1).valuesId())
          .isEqualTo(statements.get(3).valuesId());
      assertThat(statements.get(1).valuesId()).isEqualTo(statements.get(2).valuesId());
    }
  }
}
