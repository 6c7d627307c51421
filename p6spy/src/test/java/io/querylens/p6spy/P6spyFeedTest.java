package io.querylens.p6spy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.example.p6.Catalog;
import com.p6spy.engine.spy.P6DataSource;
import io.querylens.QueryLens;
import io.querylens.capture.CapturedStatement;
import io.querylens.capture.QueryCapture;
import io.querylens.finding.FindingType;
import io.querylens.sql.StatementKind;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.stream.Stream;
import javax.sql.DataSource;
import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * querylens fed by p6spy ({@code jdbc:p6spy:...} / {@link P6DataSource} with {@link QueryLensP6Factory} in the
 * module list, as Surefire's system properties set it), on H2 and on PostgreSQL when {@code QUERYLENS_PG_URL} names
 * one: the same captures and findings as with the agent.
 */
class P6spyFeedTest {

  static Stream<String> databases() {
    List<String> databases = new ArrayList<>(List.of("h2"));
    String postgres = System.getenv("QUERYLENS_PG_URL");
    if (postgres != null && !postgres.isBlank()) {
      databases.add(postgres);
    } else if ("true".equalsIgnoreCase(System.getenv("QUERYLENS_PG_REQUIRED"))) {
      throw new IllegalStateException("QUERYLENS_PG_REQUIRED=true but QUERYLENS_PG_URL is not set");
    }
    return databases.stream();
  }

  private static DataSource raw(String database) {
    if (database.equals("h2")) {
      JdbcDataSource h2 = new JdbcDataSource();
      h2.setURL("jdbc:h2:mem:" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1");
      return h2;
    }
    PGSimpleDataSource postgres = new PGSimpleDataSource();
    postgres.setURL(database);
    return postgres;
  }

  private static Catalog catalog(DataSource dataSource) throws SQLException {
    Catalog catalog = new Catalog(dataSource, "p6_items_" + UUID.randomUUID().toString().substring(0, 8));
    catalog.create(30);
    return catalog;
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("databases")
  void findsAnNPlusOneRunThroughP6spyWithTheApplicationCallSite(String database) throws SQLException {
    Catalog catalog = catalog(new P6DataSource(raw(database)));

    try (QueryCapture capture = QueryLens.capture()) {
      assertThat(catalog.namesOneByOne(1, 12)).isEqualTo(12);

      capture.assertThat().selects().exactly(12).statements().exactly(12);
      assertThatThrownBy(() -> capture.assertThat().noNPlusOne())
          .isInstanceOf(AssertionError.class)
          .hasMessageStartingWith("Expected no N+1, found 1:\n  12 x [select name from p6_items_")
          .hasMessageContaining("where id = ?] at com.example.p6.Catalog.name(Catalog.java:");
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("databases")
  void tellsTheSameValuesFromDifferentOnesThroughP6spysBindEvents(String database) throws SQLException {
    Catalog catalog = catalog(new P6DataSource(raw(database)));

    try (QueryCapture capture = QueryLens.capture()) {
      catalog.sameNameTimes(4, 10);

      capture.assertThat().noNPlusOne();
      assertThatThrownBy(() -> capture.assertThat().noRepeatedSelects())
          .hasMessageStartingWith("Expected no select repeated with the same values, found 1:\n  10 x [select name");
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("databases")
  void seesBatchesTransactionsAndFailuresOnce(String database) throws SQLException {
    Catalog catalog = catalog(new P6DataSource(raw(database)));

    try (QueryCapture capture = QueryLens.capture()) {
      catalog.insertBatch(100, 7);
      assertThat(catalog.rename(3, "renamed")).isEqualTo(1);
      assertThatThrownBy(catalog::broken).isInstanceOf(SQLException.class);

      List<CapturedStatement> statements = capture.statements();
      assertThat(statements).extracting(CapturedStatement::kind)
          .containsExactly(StatementKind.INSERT, StatementKind.UPDATE, StatementKind.SELECT);
      assertThat(statements.get(0).batch()).isTrue();
      assertThat(statements.get(0).batchSize()).isEqualTo(7);
      assertThat(statements.get(0).sql()).endsWith("(id, name) values (?, ?)");
      assertThat(statements.get(2).failed()).isTrue();
      capture.assertThat().writesBatched().noFindings(FindingType.N_PLUS_ONE);
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("databases")
  void countsAStatementOnceWhenP6spyAndTheDataSourceWrapperBothWatch(String database) throws SQLException {
    Catalog catalog = catalog(QueryLens.wrap(new P6DataSource(raw(database))));

    try (QueryCapture capture = QueryLens.capture()) {
      catalog.namesOneByOne(1, 3);
      catalog.insertBatch(200, 2);

      capture.assertThat().selects().exactly(3).inserts().exactly(1).statements().exactly(4);
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("databases")
  void keepsRecordingAfterAModuleBeforeItThrewAndSkippedItsEndOfExecution(String database) throws SQLException {
    Catalog catalog = catalog(new P6DataSource(raw(database)));

    BrokenP6Factory.failing = true;
    try {
      assertThatThrownBy(() -> catalog.namesOneByOne(1, 1)).hasMessage("a broken p6spy module");
    } finally {
      BrokenP6Factory.failing = false;
    }

    try (QueryCapture capture = QueryLens.capture()) {
      assertThat(catalog.namesOneByOne(1, 3)).isEqualTo(3);

      capture.assertThat().selects().exactly(3);
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("databases")
  void countsConnectionsThroughP6spysEventsAndNamesOneLeftOpen(String database) throws SQLException {
    Catalog catalog = catalog(new P6DataSource(raw(database)));

    java.sql.Connection leaked;
    try (QueryCapture capture = QueryLens.capture()) {
      catalog.namesOneByOne(1, 2);
      leaked = catalog.openForExport();

      assertThat(capture.connectionsOpened()).isEqualTo(2);
      assertThat(capture.connectionsClosed()).isEqualTo(1);
      assertThatThrownBy(() -> capture.assertThat().noConnectionLeak())
          .isInstanceOf(AssertionError.class)
          .hasMessageContaining("taken at com.example.p6.Catalog.openForExport(Catalog.java:");
      leaked.close();
      capture.assertThat().noConnectionLeak();
    }
  }
}
