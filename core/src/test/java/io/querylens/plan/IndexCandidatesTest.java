package io.querylens.plan;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.querylens.internal.JsonReader;
import io.querylens.plan.IndexCatalog.ExistingIndex;
import io.querylens.sql.SqlAnalyzer;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/** How candidates are chosen and written, and how plans are read: pure logic, no database. */
class IndexCandidatesTest {

  private static final SqlAnalyzer ANALYZER = new SqlAnalyzer();

  @AfterAll
  static void closeAnalyzer() {
    ANALYZER.close();
  }

  private static QueryPlan.TableScan scan(String table) {
    return new QueryPlan.TableScan(table, table, "public", 10, null);
  }

  private static IndexCandidates.Choice choose(String sql, String table, ExistingIndex... existing) {
    return IndexCandidates.choose(ANALYZER.analyze(sql), scan(table), List.of(existing));
  }

  @Test
  void equalityColumnsComeFirstThenOneRangeColumnThenNoSortAfterARange() {
    IndexCandidate candidate = choose(
        "select * from orders o where o.created_at > ? and o.status = ? and o.customer_id = ? order by o.total",
        "orders").candidate();

    assertThat(candidate.columnNames()).containsExactly("status", "customer_id", "created_at");
    assertThat(candidate.filterColumns()).containsExactly("status", "customer_id", "created_at");
  }

  @Test
  void sortKeysFollowTheEqualityColumnsWithTheirDirection() {
    IndexCandidate candidate = choose(
        "select id from shipments where carrier_id = ? order by shipped_at desc limit ?", "shipments").candidate();

    assertThat(candidate.columns()).containsExactly(new IndexCandidate.IndexColumn("carrier_id", false),
        new IndexCandidate.IndexColumn("shipped_at", true));
    assertThat(candidate.filterColumns()).containsExactly("carrier_id");
    assertThat(candidate.ddl(true, "public", false))
        .isEqualTo("CREATE INDEX CONCURRENTLY idx_shipments_carrier_id_shipped_at ON shipments "
            + "(carrier_id, shipped_at DESC)");
  }

  @Test
  void aRangeColumnThatIsAlsoTheSortKeyKeepsTheSortAfterIt() {
    IndexCandidate candidate = choose(
        "select id from events where tenant_id = ? and at >= ? order by at desc, id", "events").candidate();

    assertThat(candidate.columnNames()).containsExactly("tenant_id", "at", "id");
  }

  @Test
  void joinColumnsOfTheScannedTableAreEqualityColumns() {
    IndexCandidate candidate = choose(
        "select o.id from customers c join orders o on o.customer_id = c.id where c.email = ?", "orders")
        .candidate();

    assertThat(candidate.columnNames()).containsExactly("customer_id");
  }

  @Test
  void wrappedColumnsAndLeadingWildcardsAreReasonsNotKeys() {
    IndexCandidates.Choice choice = choose("select id from users where lower(email) = ?", "users",
        new ExistingIndex("users_email_key", List.of("email")));

    assertThat(choice.candidate()).isNull();
    assertThat(choice.defeated()).containsExactly("email is wrapped in a function or cast");

    IndexCandidates.Choice like = choose("select id from users where name like '%son'", "users");
    assertThat(like.candidate()).isNull();
    assertThat(like.defeated()).containsExactly("name is compared with LIKE '%...' (a leading wildcard)");
  }

  @Test
  void anIndexLeadingWithTheFirstColumnCoversTheCandidate() {
    IndexCandidates.Choice choice = choose("select id from orders where status = ?", "orders",
        new ExistingIndex("orders_pkey", List.of("id")), new ExistingIndex("idx_status_created", List.of("status",
            "created_at")));

    assertThat(choice.coveredBy().name()).isEqualTo("idx_status_created");
  }

  @Test
  void columnsOfOtherTablesAreNotTheScannedTablesBusiness() {
    assertThat(choose("select o.id from orders o join customers c on c.id = o.customer_id where c.country = ?",
        "orders").candidate().columnNames()).containsExactly("customer_id");
    assertThat(choose("select id from orders order by created_at", "customers").candidate()).isNull();
  }

  @Test
  void longNamesStayWithinSixtyThreeCharactersAndApart() {
    IndexCandidate one = new IndexCandidate("a_rather_long_table_name_for_shipments", "x", null,
        List.of(new IndexCandidate.IndexColumn("carrier_identifier", false),
            new IndexCandidate.IndexColumn("shipped_at_timestamp", false)), List.of("carrier_identifier"),
        List.of("carrier_identifier"));
    IndexCandidate two = new IndexCandidate("a_rather_long_table_name_for_shipments", "x", null,
        List.of(new IndexCandidate.IndexColumn("carrier_identifier", false),
            new IndexCandidate.IndexColumn("shipped_at_timestamp_2", false)), List.of("carrier_identifier"),
        List.of("carrier_identifier"));

    assertThat(one.indexName()).hasSize(63).startsWith("idx_a_rather_long_table_name_for_shipments_carrier");
    assertThat(one.indexName()).isNotEqualTo(two.indexName());
  }

  @Test
  void ddlQuotesOddNamesAndQualifiesOtherSchemas() {
    IndexCandidate candidate = new IndexCandidate("Order Lines", "Order Lines", "sales",
        List.of(new IndexCandidate.IndexColumn("order_id", false)), List.of("order_id"),
        List.of("order_id"));

    assertThat(candidate.ddl(false, "public", false)).isEqualTo(
        "CREATE INDEX idx_order_lines_order_id ON sales.\"Order Lines\" (order_id)");
    IndexCandidate h2 = new IndexCandidate("orders", "ORDERS", "PUBLIC",
        List.of(new IndexCandidate.IndexColumn("customer_id", false)), List.of("customer_id"), List.of("customer_id"));
    assertThat(h2.ddl(false, "PUBLIC", true)).isEqualTo("CREATE INDEX idx_orders_customer_id ON orders (customer_id)");
  }

  @Test
  void bindMarkersAreNumberedOutsideQuotesCommentsAndDollarQuotes() {
    PostgresPlanner.Numbered numbered = PostgresPlanner.number(
        "select '?', \"a?\", $$ ? $$, data ?? 'k' from t -- ?\n where a = ? /* ? */ and b = ?");

    assertThat(numbered.sql()).isEqualTo(
        "select '?', \"a?\", $$ ? $$, data ? 'k' from t -- ?\n where a = $1 /* ? */ and b = $2");
    assertThat(numbered.markers()).isEqualTo(2);
  }

  @Test
  void postgresJsonPlansGiveTheSequentialScansAndTheTotalCost() {
    QueryPlan plan = PostgresPlanner.parse("""
        [{"Plan": {"Node Type": "Limit", "Total Cost": 1993.69, "Plans": [
          {"Node Type": "Sort", "Plans": [
            {"Node Type": "Seq Scan", "Relation Name": "ship", "Schema": "public", "Plan Rows": 200,
             "Filter": "(ship.carrier_id = $1)"}]},
          {"Node Type": "Index Scan", "Relation Name": "carriers", "Plan Rows": 1}]}}]""");

    assertThat(plan.totalCost()).isEqualTo(1993.69);
    assertThat(plan.scans()).containsExactly(
        new QueryPlan.TableScan("ship", "ship", "public", 200, "(ship.carrier_id = $1)"));
  }

  @Test
  void h2PlansGiveTableScansAndIndexesReadWhole() {
    List<QueryPlan.TableScan> scans = H2Planner.scans("""
        SELECT "S"."ID" FROM "PUBLIC"."SHIP" "S"
            /* PUBLIC.SHIP.tableScan */
        INNER JOIN "PUBLIC"."CARRIER" "C"
            /* PUBLIC.PRIMARY_KEY_2: ID = S.CARRIER_ID */
            ON 1=1
        INNER JOIN "APP"."NOTES" "N"
            /* APP.IDX_NOTE */
            ON 1=1""");

    assertThat(scans).containsExactly(new QueryPlan.TableScan("ship", "SHIP", "PUBLIC", Double.NaN, null),
        new QueryPlan.TableScan("notes", "NOTES", "APP", Double.NaN, null));
  }

  @Test
  void aFixedPrefixPatternIsARangeKeyAfterTheEqualityColumns() {
    IndexCandidate candidate = IndexCandidates.choose(ANALYZER.analyze(
        "select id from users where name like ? and tenant_id = ? and email like ?"), scan("users"), List.of(),
        new IndexCandidates.Hints(java.util.Set.of("name"), Map.of())).candidate();

    assertThat(candidate.columns()).containsExactly(new IndexCandidate.IndexColumn("tenant_id", false),
        new IndexCandidate.IndexColumn("name", false, null, true, null));
    assertThat(candidate.withColumns(List.of(candidate.columns().get(0),
        candidate.columns().get(1).withOperatorClass("text_pattern_ops"))).ddl(true, "public", false))
        .isEqualTo("CREATE INDEX CONCURRENTLY idx_users_tenant_id_name ON users (tenant_id, name text_pattern_ops)");
  }

  @Test
  void mariaDbBindMarkersBecomeValuesOutsideQuotesAndComments() {
    assertThat(MariaDbPlanner.withPlaceholderValues(
        "select '?', `a?` from t -- ?\n where a = ? /* ? */ and b in (?, ?) order by c limit ?, ?"))
        .isEqualTo("select '?', `a?` from t -- ?\n where a = '1' /* ? */ and b in ('1', '1') order by c limit 0, 10");
    assertThat(MariaDbPlanner.withPlaceholderValues("select id from t where a like ? limit ? offset ?"))
        .isEqualTo("select id from t where a like '1' limit 10 offset 0");
  }

  @Test
  void reservedWordsAreQuotedInTheDdlAndPlainNamesAreNot() {
    assertThat(IndexCandidate.identifier("user", '"')).isEqualTo("\"user\"");
    assertThat(IndexCandidate.identifier("desc", '`')).isEqualTo("`desc`");
    assertThat(IndexCandidate.identifier("rows", '`')).isEqualTo("`rows`");
    assertThat(IndexCandidate.identifier("customer_email", '"')).isEqualTo("customer_email");
    assertThat(IndexCandidate.identifier("Orders", '`')).isEqualTo("`Orders`");
  }

  @Test
  void mariaDbNeverPlansTextHoldingASecondStatement() throws Exception {
    MariaDbPlanner.refuseSeveralStatements("select id from t where a = ?;");
    MariaDbPlanner.refuseSeveralStatements("select ';' from t -- ; delete from t");
    assertThatThrownBy(() -> MariaDbPlanner.refuseSeveralStatements("select id from t; delete from t"))
        .isInstanceOf(java.sql.SQLException.class).hasMessage("not planned: more than one statement");
  }

  @Test
  void mariaDbAndMySqlJsonPlansGiveFullScansWhereverTheyNest() {
    QueryPlan mariaDb = MariaDbPlanner.parse("""
        {"query_block": {"select_id": 1, "nested_loop": [
          {"table": {"table_name": "a", "access_type": "const", "rows": 1, "filtered": 100}},
          {"read_sorted_file": {"filesort": {"sort_key": "b.shipped_at desc", "table": {"table_name": "b",
            "access_type": "ALL", "rows": 99858, "filtered": 10, "attached_condition": "b.carrier_id = 5"}}}},
          {"table": {"table_name": "<subquery2>", "access_type": "eq_ref", "materialized": {"query_block": {
            "nested_loop": [{"table": {"table_name": "x", "access_type": "index", "rows": 500}}]}}}}]}}""");

    assertThat(mariaDb.totalCost()).isNaN();
    assertThat(mariaDb.scans()).containsExactly(new QueryPlan.TableScan("b", "b", null, 9985.8, "b.carrier_id = 5"),
        new QueryPlan.TableScan("x", "x", null, 500, null));

    QueryPlan mySql = MariaDbPlanner.parse("""
        {"query_block": {"select_id": 1, "cost_info": {"query_cost": "10087.25"}, "table": {"table_name": "Ship",
          "access_type": "ALL", "rows_examined_per_scan": 99858, "filtered": "10.00",
          "attached_condition": "(`q`.`Ship`.`carrier_id` = 5)"}}}""");

    assertThat(mySql.totalCost()).isEqualTo(10087.25);
    assertThat(mySql.scans()).containsExactly(
        new QueryPlan.TableScan("ship", "Ship", null, 9985.8, "(`q`.`Ship`.`carrier_id` = 5)"));
  }

  @Test
  void mariaDbDdlQuotesMixedCaseNamesAndKeywordsWithBackticks() {
    IndexCandidate candidate = new IndexCandidate("order", "Order", null,
        List.of(new IndexCandidate.IndexColumn("key", false), new IndexCandidate.IndexColumn("placed_at", true)),
        List.of("key"), List.of("key"));
    assertThat(candidate.ddl(false, null, false, '`'))
        .isEqualTo("CREATE INDEX idx_order_key_placed_at ON `Order` (`key`, placed_at DESC)");
  }

  @Test
  void aliasesNameTheirTablesUnlessTheyNameTwo() {
    var structure = ANALYZER.analyze("select o1_0.id from orders o1_0 join customers c on c.id = o1_0.customer_id "
        + "where exists (select 1 from notes c where c.order_id = o1_0.id)");

    assertThat(structure.tableNamed("o1_0")).isEqualTo("orders");
    assertThat(structure.tableNamed("orders")).isEqualTo("orders");
    assertThat(structure.tableNamed("c")).isNull();
    assertThat(structure.tableNamed("x")).isNull();
  }

  @Test
  void theJsonReaderReadsWhatExplainPrintsAndRefusesWhatItDoesNot() {
    assertThat(JsonReader.read("{\"a\": [1, 2.5e1, true, null, \"x\\\"\\u00e9\"], \"b\": {}}"))
        .isEqualTo(Map.of("a", java.util.Arrays.asList(1.0, 25.0, true, null, "x\"é"), "b", Map.of()));
    assertThatThrownBy(() -> JsonReader.read("{\"a\": }")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> JsonReader.read("[".repeat(10_000))).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("nested deeper");
    assertThatThrownBy(() -> JsonReader.read("[1] x")).hasMessageContaining("text after the value");
  }
}
