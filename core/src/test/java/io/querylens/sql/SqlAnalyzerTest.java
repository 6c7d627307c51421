package io.querylens.sql;

import static org.assertj.core.api.Assertions.assertThat;

import io.querylens.sql.SqlStructure.Bound;
import io.querylens.sql.SqlStructure.ColumnRef;
import io.querylens.sql.SqlStructure.Operator;
import io.querylens.sql.SqlStructure.Predicate;
import io.querylens.sql.SqlStructure.SortKey;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

class SqlAnalyzerTest {

  private static SqlAnalyzer analyzer;

  @BeforeAll
  static void start() {
    analyzer = new SqlAnalyzer();
  }

  @AfterAll
  static void stop() {
    analyzer.close();
  }

  private static SqlStructure analyze(String sql) {
    SqlStructure s = analyzer.analyze(sql);
    assertThat(s).isNotNull();
    return s;
  }

  private static SqlStructure parsed(String sql) {
    SqlStructure s = analyze(sql);
    assertThat(s.parsed()).as("parsed: %s (problem: %s)", sql, s.problem()).isTrue();
    assertThat(s.problem()).isNull();
    return s;
  }

  private static ColumnRef col(String table, String column) {
    return new ColumnRef(table, column);
  }

  private static Predicate pred(String table, String column, Operator op) {
    return new Predicate(col(table, column), op, false, false);
  }

  private static Predicate wrapped(String table, String column, Operator op) {
    return new Predicate(col(table, column), op, true, false);
  }

  private static void assertOneLine(String problem) {
    assertThat(problem).isNotBlank().doesNotContain("\n").doesNotContain("\r");
    assertThat(problem.length()).isLessThanOrEqualTo(SqlAnalyzer.MAX_PROBLEM_LENGTH);
  }

  @Nested
  class Hibernate {

    @Test
    void aliasedSingleTableSelect() {
      SqlStructure s = parsed("select p1_0.id, p1_0.bio from profiles p1_0 where p1_0.user_id=?");

      assertThat(s.kind()).isEqualTo(StatementKind.SELECT);
      assertThat(s.tables()).containsExactly("profiles");
      assertThat(s.predicates()).containsExactly(pred("profiles", "user_id", Operator.EQUALITY));
      assertThat(s.filterColumns()).containsExactly("user_id");
      assertThat(s.joinColumns()).isEmpty();
      assertThat(s.selectStar()).isFalse();
      assertThat(s.limit()).isEqualTo(Bound.NONE);
      assertThat(s.crossJoin()).isFalse();
    }

    @Test
    void joinFetch() {
      SqlStructure s =
          parsed(
              "select u1_0.id,u1_0.email,o1_0.user_id,o1_0.id,o1_0.total from users u1_0 "
                  + "left join orders o1_0 on u1_0.id=o1_0.user_id where u1_0.email=?");

      assertThat(s.tables()).containsExactly("users", "orders");
      assertThat(s.joinColumns()).containsExactly(col("users", "id"), col("orders", "user_id"));
      assertThat(s.predicates()).containsExactly(pred("users", "email", Operator.EQUALITY));
      assertThat(s.crossJoin()).isFalse();
    }

    @Test
    void batchFetchWithInListFollowedByMoreConditions() {
      // JSqlParser 5.3 nests everything after "IN (...)" into the IN list; the analyzer undoes that
      SqlStructure s =
          parsed(
              "select o1_0.user_id,o1_0.id from orders o1_0 where o1_0.user_id in (?, ?) and o1_0.deleted=? "
                  + "or o1_0.status=?");

      assertThat(s.predicates())
          .containsExactly(
              pred("orders", "user_id", Operator.IN),
              pred("orders", "deleted", Operator.EQUALITY),
              pred("orders", "status", Operator.EQUALITY));
    }

    @Test
    void joinWithOrderLimitOffset() {
      SqlStructure s =
          parsed(
              "select * from orders o join customers c on c.id = o.customer_id where c.region = ? "
                  + "and o.created_at > ? order by o.created_at desc limit ? offset ?");

      assertThat(s.tables()).containsExactly("orders", "customers");
      assertThat(s.selectStar()).isTrue();
      assertThat(s.joinColumns()).containsExactly(col("customers", "id"), col("orders", "customer_id"));
      assertThat(s.predicates())
          .containsExactly(pred("customers", "region", Operator.EQUALITY), pred("orders", "created_at", Operator.RANGE));
      assertThat(s.orderBy()).containsExactly(new SortKey(col("orders", "created_at"), true));
      assertThat(s.limit()).isEqualTo(Bound.parameter(2));
      assertThat(s.offset()).isEqualTo(Bound.parameter(3));
    }
  }

  @Nested
  class Subqueries {

    @Test
    void inSubqueryInWhere() {
      SqlStructure s =
          parsed(
              "select * from users u where u.id in (select o.user_id from orders o where o.status = ?) "
                  + "and u.active = ?");

      assertThat(s.tables()).containsExactly("users", "orders");
      assertThat(s.predicates())
          .containsExactly(
              pred("users", "id", Operator.IN),
              pred("orders", "status", Operator.EQUALITY),
              pred("users", "active", Operator.EQUALITY));
    }

    @Test
    void correlatedExistsIsAJoinAndItsStarCounts() {
      SqlStructure s =
          parsed(
              "select u.id from users u where exists (select * from orders o where o.user_id = u.id and o.total > ?)");

      assertThat(s.tables()).containsExactly("users", "orders");
      assertThat(s.joinColumns()).containsExactly(col("orders", "user_id"), col("users", "id"));
      assertThat(s.predicates()).containsExactly(pred("orders", "total", Operator.RANGE));
      assertThat(s.selectStar()).isTrue();
    }

    @Test
    void unqualifiedColumnsResolveToTheOnlyTableOfTheirQuery() {
      SqlStructure s = parsed("select * from users where id in (select user_id from orders where status = ?)");

      assertThat(s.predicates())
          .containsExactly(pred("users", "id", Operator.IN), pred("orders", "status", Operator.EQUALITY));
    }

    @Test
    void cteNameIsNotATable() {
      SqlStructure s =
          parsed(
              "with recent as (select * from orders where created_at > ?) select r.id from recent r "
                  + "join users u on u.id = r.user_id where u.id = ?");

      assertThat(s.kind()).isEqualTo(StatementKind.SELECT);
      assertThat(s.tables()).containsExactly("orders", "users");
      assertThat(s.predicates())
          .containsExactly(pred("orders", "created_at", Operator.RANGE), pred("users", "id", Operator.EQUALITY));
      assertThat(s.joinColumns()).containsExactly(col("users", "id"), col(null, "user_id"));
    }

    @Test
    void derivedTableIsNotATableButItsContentIs() {
      SqlStructure s = parsed("select * from (select * from t where a = ?) sub where sub.b = ?");

      assertThat(s.tables()).containsExactly("t");
      assertThat(s.predicates()).containsExactly(pred("t", "a", Operator.EQUALITY), pred(null, "b", Operator.EQUALITY));
    }

    @Test
    void onlyTheOutermostLimitCounts() {
      SqlStructure s = parsed("select * from (select * from t order by a limit 5) s where s.a = ?");

      assertThat(s.limit()).isEqualTo(Bound.NONE);
      assertThat(s.orderBy()).containsExactly(new SortKey(col("t", "a"), false));
    }
  }

  @Nested
  class Predicates {

    @Test
    void operatorsAreClassified() {
      SqlStructure s =
          parsed(
              "select * from t where a = ? and b in (?) and c in (?, ?) and d is null and e is not null "
                  + "and f <> ? and g != ? and h between ? and ? and i <= ? and j not in (?, ?) and not (k = ?) "
                  + "and not l > ?");

      assertThat(s.predicates())
          .containsExactly(
              pred("t", "a", Operator.EQUALITY),
              pred("t", "b", Operator.EQUALITY),
              pred("t", "c", Operator.IN),
              pred("t", "d", Operator.EQUALITY),
              pred("t", "e", Operator.OTHER),
              pred("t", "f", Operator.OTHER),
              pred("t", "g", Operator.OTHER),
              pred("t", "h", Operator.RANGE),
              pred("t", "i", Operator.RANGE),
              pred("t", "j", Operator.OTHER),
              pred("t", "k", Operator.OTHER),
              pred("t", "l", Operator.RANGE));
    }

    @Test
    void postgresCastsAndAny() {
      SqlStructure s =
          parsed("select * from users where id = any (?) and age > ?::int and amount::text = ? limit ?::int");

      assertThat(s.predicates())
          .containsExactly(
              pred("users", "id", Operator.IN),
              pred("users", "age", Operator.RANGE),
              wrapped("users", "amount", Operator.EQUALITY));
      assertThat(s.limit()).isEqualTo(Bound.parameter(3));
    }

    @Test
    void functionWrappedColumns() {
      SqlStructure s =
          parsed("select * from users where lower(email) = ? and date(created_at) = ? and id + 1 = ? and name = ?");

      assertThat(s.predicates())
          .containsExactly(
              wrapped("users", "email", Operator.EQUALITY),
              wrapped("users", "created_at", Operator.EQUALITY),
              wrapped("users", "id", Operator.EQUALITY),
              pred("users", "name", Operator.EQUALITY));
    }

    @Test
    void likeWithLeadingWildcardOnRawSql() {
      SqlStructure s =
          parsed("select * from users where name like '%smith' and code like 'ab%' and email ilike ? and x like ?");

      assertThat(s.predicates())
          .containsExactly(
              new Predicate(col("users", "name"), Operator.LIKE, false, true),
              new Predicate(col("users", "code"), Operator.LIKE, false, false),
              new Predicate(col("users", "email"), Operator.LIKE, false, false),
              new Predicate(col("users", "x"), Operator.LIKE, false, false));
    }

    @Test
    void havingAndRowValueIn() {
      SqlStructure s =
          parsed(
              "select t.a, count(*) from t where (t.a, t.b) in ((?, ?), (?, ?)) group by t.a having count(*) > ?");

      assertThat(s.predicates()).containsExactly(pred("t", "a", Operator.IN), pred("t", "b", Operator.IN));
      assertThat(s.selectStar()).isFalse();
    }

    @Test
    void pseudoColumnsAreNotColumns() {
      SqlStructure s = parsed("select * from t where created_at > current_timestamp");

      assertThat(s.predicates()).containsExactly(pred("t", "created_at", Operator.RANGE));
    }
  }

  @Nested
  class Writes {

    @Test
    void insertOnConflictDoUpdate() {
      SqlStructure s =
          parsed(
              "insert into accounts (id, balance) values (?, ?) on conflict (id) do update set balance = "
                  + "excluded.balance");

      assertThat(s.kind()).isEqualTo(StatementKind.INSERT);
      assertThat(s.tables()).containsExactly("accounts");
    }

    @Test
    void insertSelect() {
      SqlStructure s = parsed("insert into archive (id) select id from orders where created_at < ?");

      assertThat(s.tables()).containsExactly("archive", "orders");
      assertThat(s.predicates()).containsExactly(pred("orders", "created_at", Operator.RANGE));
    }

    @Test
    void updateWithJoin() {
      SqlStructure s =
          parsed(
              "update orders o join customers c on c.id = o.customer_id set o.status = ? where c.region = ?");

      assertThat(s.kind()).isEqualTo(StatementKind.UPDATE);
      assertThat(s.tables()).containsExactly("orders", "customers");
      assertThat(s.joinColumns()).containsExactly(col("customers", "id"), col("orders", "customer_id"));
      assertThat(s.predicates()).containsExactly(pred("customers", "region", Operator.EQUALITY));
    }

    @Test
    void updateWithSubqueries() {
      SqlStructure s =
          parsed(
              "update orders set total = (select sum(i.price) from items i where i.order_id = orders.id) "
                  + "where id in (select order_id from flags where flag = ?)");

      assertThat(s.tables()).containsExactly("orders", "items", "flags");
      assertThat(s.joinColumns()).containsExactly(col("items", "order_id"), col("orders", "id"));
      assertThat(s.predicates())
          .containsExactly(pred("orders", "id", Operator.IN), pred("flags", "flag", Operator.EQUALITY));
    }

    @Test
    void delete() {
      SqlStructure s = parsed("delete from users u where u.id = ?");

      assertThat(s.kind()).isEqualTo(StatementKind.DELETE);
      assertThat(s.tables()).containsExactly("users");
      assertThat(s.predicates()).containsExactly(pred("users", "id", Operator.EQUALITY));
    }

    @Test
    void merge() {
      SqlStructure s =
          parsed(
              "merge into target t using source s on (t.id = s.id) when matched then update set t.v = s.v "
                  + "when not matched then insert (id, v) values (s.id, s.v)");

      assertThat(s.kind()).isEqualTo(StatementKind.MERGE);
      assertThat(s.tables()).containsExactly("target", "source");
      assertThat(s.joinColumns()).containsExactly(col("target", "id"), col("source", "id"));
    }
  }

  @Nested
  class Dialects {

    @Test
    void mysqlBackticksAndLimitOffsetPair() {
      SqlStructure s = parsed("select * from `shop`.`Orders` o where o.`Status` = ? limit ?, ?");

      assertThat(s.tables()).containsExactly("orders");
      assertThat(s.predicates()).containsExactly(pred("orders", "status", Operator.EQUALITY));
      assertThat(s.offset()).isEqualTo(Bound.parameter(1));
      assertThat(s.limit()).isEqualTo(Bound.parameter(2));
    }

    @Test
    void fetchFirst() {
      SqlStructure s = parsed("select * from t where a = ? order by a fetch first ? rows only");

      assertThat(s.limit()).isEqualTo(Bound.parameter(1));
      assertThat(s.offset()).isEqualTo(Bound.NONE);
    }

    @Test
    void offsetRowsFetchNext() {
      SqlStructure s = parsed("select * from t order by a offset ? rows fetch next 20 rows only");

      assertThat(s.offset()).isEqualTo(Bound.parameter(0));
      assertThat(s.limit()).isEqualTo(Bound.literal(20));
    }

    @Test
    void literalLimitAndOffset() {
      SqlStructure s = parsed("select * from t where a = ? limit 10 offset 20");

      assertThat(s.limit()).isEqualTo(Bound.literal(10));
      assertThat(s.offset()).isEqualTo(Bound.literal(20));
    }

    @Test
    void top() {
      SqlStructure s = parsed("select top 10 * from t");

      assertThat(s.limit()).isEqualTo(Bound.literal(10));
    }

    @Test
    void unionLimitAppliesToTheWholeStatement() {
      SqlStructure s = parsed("select a from t where x = ? union all select a from u where y = ? order by a limit ?");

      assertThat(s.tables()).containsExactly("t", "u");
      assertThat(s.limit()).isEqualTo(Bound.parameter(2));
    }

    @Test
    void quotedIdentifiers() {
      SqlStructure s = parsed("select m.\"Id\" from \"Sales\".\"MyTable\" m where m.\"Id\" = ?");

      assertThat(s.tables()).containsExactly("mytable");
      assertThat(s.predicates()).containsExactly(pred("mytable", "id", Operator.EQUALITY));
    }

    @Test
    void sqlServerBrackets() {
      SqlStructure s = parsed("select * from [dbo].[Users] where [Name] = ?");

      assertThat(s.tables()).containsExactly("users");
      assertThat(s.predicates()).containsExactly(pred("users", "name", Operator.EQUALITY));
    }

    @Test
    void tableStarAndCountStar() {
      assertThat(parsed("select o.* from orders o").selectStar()).isTrue();
      assertThat(parsed("select o.* from orders o").outerSelectStar()).isTrue();
      assertThat(parsed("select count(*) from orders").selectStar()).isFalse();
      assertThat(parsed("select u.id from users u where exists (select * from orders o where o.user_id = u.id)")
          .outerSelectStar()).isFalse();
      assertThat(parsed("select * from users union all select * from old_users").outerSelectStar()).isTrue();
    }

    @Test
    void orderByAliases() {
      SqlStructure s =
          parsed(
              "select u.name as n, (select count(*) from orders o where o.user_id = u.id) as cnt from users u "
                  + "order by n, cnt desc");

      assertThat(s.orderBy()).containsExactly(new SortKey(col("users", "name"), false));
    }
  }

  @Nested
  class BindMarkers {

    private SqlStructure walkWithUntrustedNumbering(String sql) throws Exception {
      SqlAnalyzer.Parsed parsed = SqlAnalyzer.JSQLPARSER.parse(sql, false, new SqlAnalyzer.Cancellation());
      // a count the lexer cannot match makes the walker place markers lexically
      return new StatementWalker(SqlLexer.tokenize(sql), -1).walk(parsed.statement(), StatementKind.SELECT);
    }

    @Test
    void jsqlParserNumbersMarkersInTextOrderFromOne() throws Exception {
      String sql = "select * from t where a = ?::int and b in (?, ?) and c = any(?) limit ? offset ?";
      SqlAnalyzer.Parsed parsed = SqlAnalyzer.JSQLPARSER.parse(sql, false, new SqlAnalyzer.Cancellation());

      assertThat(parsed.markerCount()).isEqualTo(6);
      SqlStructure s = parsed(sql);
      assertThat(s.limit()).isEqualTo(Bound.parameter(4));
      assertThat(s.offset()).isEqualTo(Bound.parameter(5));
    }

    @Test
    void markersInStringsAndQuotedNamesAreNotMarkers() {
      SqlStructure s = parsed("select \"a?\" from t where b = '?' and c = ? limit ?");

      assertThat(s.limit()).isEqualTo(Bound.parameter(1));
    }

    @Test
    void lexicalPlacementMatchesJSqlParserNumbering() throws Exception {
      assertThat(walkWithUntrustedNumbering("select * from t where a = ? order by a limit ? offset ?").limit())
          .isEqualTo(Bound.parameter(1));
      assertThat(walkWithUntrustedNumbering("select * from t where a = ? order by a limit ? offset ?").offset())
          .isEqualTo(Bound.parameter(2));
      SqlStructure mysql = walkWithUntrustedNumbering("select * from t where a = ? limit ?, ?");
      assertThat(mysql.offset()).isEqualTo(Bound.parameter(1));
      assertThat(mysql.limit()).isEqualTo(Bound.parameter(2));
      SqlStructure fetch = walkWithUntrustedNumbering("select * from t where a = ? offset ? rows fetch next ? rows only");
      assertThat(fetch.offset()).isEqualTo(Bound.parameter(1));
      assertThat(fetch.limit()).isEqualTo(Bound.parameter(2));
      SqlStructure nested =
          walkWithUntrustedNumbering("select * from t where a in (select b from u limit ?) limit ?");
      assertThat(nested.limit()).isEqualTo(Bound.parameter(1));
    }
  }

  @Nested
  class CrossJoins {

    @Test
    void explicitCrossJoin() {
      assertThat(parsed("select * from a cross join b").crossJoin()).isTrue();
    }

    @Test
    void commaJoinWithoutCondition() {
      assertThat(parsed("select * from a, b where a.x = ?").crossJoin()).isTrue();
    }

    @Test
    void commaJoinWithCondition() {
      SqlStructure s = parsed("select * from a, b where a.id = b.a_id and a.x = ?");

      assertThat(s.crossJoin()).isFalse();
      assertThat(s.joinColumns()).containsExactly(col("a", "id"), col("b", "a_id"));
      assertThat(s.predicates()).containsExactly(pred("a", "x", Operator.EQUALITY));
    }

    @Test
    void threeWayCommaJoinMissingOneLink() {
      assertThat(parsed("select * from a, b, c where a.id = b.a_id").crossJoin()).isTrue();
      assertThat(parsed("select * from a, b, c where a.id = b.a_id and c.id = b.c_id").crossJoin()).isFalse();
    }

    @Test
    void selfJoinByCommaIsLinked() {
      SqlStructure s = parsed("select * from t t1, t t2 where t1.parent_id = t2.id");

      assertThat(s.tables()).containsExactly("t");
      assertThat(s.crossJoin()).isFalse();
    }

    @Test
    void joinsWithConditionsAreNotCross() {
      assertThat(parsed("select * from a join b on b.a_id = a.id").crossJoin()).isFalse();
      assertThat(parsed("select * from a join b using (id)").crossJoin()).isFalse();
      assertThat(parsed("select * from a natural join b").crossJoin()).isFalse();
    }
  }

  @Nested
  class OtherKinds {

    @Test
    void ddl() {
      SqlStructure s = parsed("create index ix_orders_user on orders (user_id)");

      assertThat(s.kind()).isEqualTo(StatementKind.DDL);
      assertThat(s.tables()).containsExactly("orders");
      assertThat(parsed("drop table t").kind()).isEqualTo(StatementKind.DDL);
      assertThat(parsed("alter table t add column c int").kind()).isEqualTo(StatementKind.DDL);
      assertThat(parsed("truncate table t").kind()).isEqualTo(StatementKind.DDL);
    }

    @Test
    void calls() {
      assertThat(parsed("{call refresh_stats(?)}").kind()).isEqualTo(StatementKind.CALL);
      assertThat(parsed("call refresh_stats(?)").kind()).isEqualTo(StatementKind.CALL);
      assertThat(analyze("{? = call next_id(?)}").kind()).isEqualTo(StatementKind.CALL);
    }

    @Test
    void unparsedStatementsStillGetALexicalKind() {
      SqlStructure s = analyze("set search_path to app");

      assertThat(s.kind()).isEqualTo(StatementKind.OTHER);
      assertThat(s.tables()).isEmpty();
    }
  }

  @Nested
  class Fallback {

    @Test
    void garbageFallsBackToLexicalGuess() {
      SqlStructure s = analyze("select from users where ??? garbage ()");

      assertThat(s.parsed()).isFalse();
      assertThat(s.kind()).isEqualTo(StatementKind.SELECT);
      assertThat(s.tables()).containsExactly("users");
      assertThat(s.predicates()).isEmpty();
      assertThat(s.joinColumns()).isEmpty();
      assertThat(s.orderBy()).isEmpty();
      assertThat(s.problem()).startsWith("JSqlParser could not parse it: ");
      assertOneLine(s.problem());
    }

    @Test
    void briefGarbageExample() {
      SqlStructure s = analyze("select from where ??? garbage (");

      assertThat(s.parsed()).isFalse();
      assertThat(s.kind()).isEqualTo(StatementKind.SELECT);
      assertOneLine(s.problem());
    }

    @Test
    void unbalancedParenthesesAreReadLexicallyWithoutAskingJSqlParser() {
      SqlStructure s = analyze("select * from orders o where o.id in ((select id from t where a = ?)");

      assertThat(s.parsed()).isFalse();
      assertThat(SqlAnalyzer.isTransient(s)).isFalse();
      assertThat(s.kind()).isEqualTo(StatementKind.SELECT);
      assertThat(s.tables()).contains("orders");
      assertThat(s.problem()).isEqualTo("not parsed: unbalanced parentheses");
      assertThat(analyze("select count(*) from t where a = ')' and b = '('").parsed()).isTrue();
      assertThat(analyze("select * from t where " + "(".repeat(101) + "a = ?" + ")".repeat(101)).problem())
          .isEqualTo("not parsed: parentheses nested more than 100 deep");
    }

    @Test
    void truncatedShapeIsReadLexically() {
      SqlStructure s =
          analyze(
              "with x as (select * from \"Sales\".\"Orders\" o, public.customers c where c.id = o.cid) "
                  + "update stats set n = ? from x join regions r on r.id = x.rid where r.code = ? and ...");

      assertThat(s.parsed()).isFalse();
      assertThat(s.kind()).isEqualTo(StatementKind.UPDATE);
      assertThat(s.tables()).containsExactly("orders", "customers", "stats", "regions");
      assertThat(s.problem()).contains("truncated");
    }

    @Test
    void tooLongInputIsReadLexically() {
      try (SqlAnalyzer small = new SqlAnalyzer(2000, 40)) {
        SqlStructure s = small.analyze("insert into audit_log (a, b, c, d) values (?, ?, ?, ?)");

        assertThat(s.parsed()).isFalse();
        assertThat(s.kind()).isEqualTo(StatementKind.INSERT);
        assertThat(s.tables()).containsExactly("audit_log");
        assertOneLine(s.problem());
      }
    }

    @Test
    void stackOverflowInTheParserFallsBack() {
      SqlStructure s = analyze("select " + "(".repeat(5000) + "1" + ")".repeat(5000) + " from deep");

      assertThat(s.parsed()).isFalse();
      assertThat(s.tables()).containsExactly("deep");
      assertOneLine(s.problem());
    }

    @Test
    void longConditionChainsAreWalked() {
      SqlStructure s = parsed("select * from t where " + "a = ? and ".repeat(1000) + "b = ?");

      assertThat(s.predicates()).hasSize(1001);
    }

    @Test
    void nullAndEmpty() {
      for (String sql : new String[] {null, "", "   "}) {
        SqlStructure s = analyze(sql);

        assertThat(s.parsed()).isFalse();
        assertThat(s.kind()).isEqualTo(StatementKind.OTHER);
        assertThat(s.tables()).isEmpty();
      }
    }

    @Test
    void problemQuotesNoMoreThanTheInput() {
      SqlStructure s = analyze("select a from t where b = 'secret value' and");

      assertThat(s.parsed()).isFalse();
      assertOneLine(s.problem());
      assertThat(s.problem()).doesNotContain("Was expecting");
    }

    @Test
    void randomGarbageNeverThrows() {
      String[] fragments = {
        "select", "from", "where", "join", "on", "(", ")", "?", ",", "=", "and", "or", "not", "in", "users", "u.id",
        "'x", "\"Q", "`b`", "[c]", "limit", "offset", "insert", "into", "values", "update", "set", "delete", "with",
        "as", "*", "::int", "like", "'%a'", "--", "/*", "*/", ";", "{call", "}", "union", "order by", "group by",
        "case", "when", "end", "$$", "§", "\\", "...", "null", "is", "between", "exists", "1", "1e9", "-"
      };
      Random random = new Random(42);
      try (SqlAnalyzer quick = new SqlAnalyzer(500, 16384)) {
        for (int i = 0; i < 300; i++) {
          StringBuilder sb = new StringBuilder();
          int n = random.nextInt(25);
          for (int j = 0; j < n; j++) {
            if (random.nextInt(6) == 0) {
              sb.append((char) (32 + random.nextInt(95)));
            } else {
              sb.append(fragments[random.nextInt(fragments.length)]);
            }
            sb.append(random.nextBoolean() ? " " : "");
          }
          String sql = sb.toString();
          SqlStructure s = quick.analyze(sql);

          assertThat(s).as(sql).isNotNull();
          assertThat(s.kind()).as(sql).isNotNull();
          assertThat(s.limit()).as(sql).isNotNull();
          if (s.problem() != null) {
            assertOneLine(s.problem());
          }
        }
      }
    }

    @Test
    void badSqlPrintsNothing() {
      PrintStream err = System.err;
      PrintStream out = System.out;
      Logger root = Logger.getLogger("");
      Level rootLevel = root.getLevel();
      List<LogRecord> records = new ArrayList<>();
      Handler recorder =
          new Handler() {
            @Override
            public void publish(LogRecord record) {
              String name = record.getLoggerName();
              if (name != null && name.startsWith("net.sf.jsqlparser")) {
                records.add(record);
              }
            }

            @Override
            public void flush() {}

            @Override
            public void close() {}
          };
      ByteArrayOutputStream captured = new ByteArrayOutputStream();
      try (PrintStream capture = new PrintStream(captured, true, StandardCharsets.UTF_8)) {
        System.setErr(capture);
        System.setOut(capture);
        // as if the application logged everything
        root.setLevel(Level.ALL);
        root.addHandler(recorder);
        for (String sql :
            List.of(
                "select from where ??? garbage (",
                "select § from t",
                "select 'unterminated from t",
                "select * from t where " + "(".repeat(12) + "a = ?" + ")".repeat(12) + " and",
                "update set where",
                "select * from t where a in (?, ? and",
                "))))((((",
                "select * from t where x = ?::")) {
          analyzer.analyze(sql);
        }
      } finally {
        System.setErr(err);
        System.setOut(out);
        root.setLevel(rootLevel);
        root.removeHandler(recorder);
      }
      assertThat(captured.toString(StandardCharsets.UTF_8)).isEmpty();
      assertThat(records).isEmpty();
    }
  }

  @Nested
  class Bounded {

    /** Simple-mode JSqlParser 5.3 spends seconds on this and ignores its cancellation flag meanwhile. */
    private String pathological(int i) {
      return "select * from t" + i + " where a in ((((";
    }

    private long parserThreads() {
      return Thread.getAllStackTraces().keySet().stream()
          .filter(Thread::isAlive)
          .filter(t -> t.getName().equals(SqlAnalyzer.THREAD_NAME))
          .peek(t -> assertThat(t.isDaemon()).isTrue())
          .count();
    }

    @Test
    void pathologicalInputFallsBackWithinTheTimeout() {
      try (SqlAnalyzer quick = new SqlAnalyzer(200, 16384)) {
        long start = System.nanoTime();
        SqlStructure s = quick.analyze(pathological(0));
        long millis = (System.nanoTime() - start) / 1_000_000;

        assertThat(millis).isLessThan(5000);
        assertThat(s.tables()).containsExactly("t0");
        if (!s.parsed()) {
          assertOneLine(s.problem());
        }
        // a fresh thread serves the next statement
        assertThat(quick.analyze("select * from users where id = ?").parsed()).isTrue();
      }
    }

    @Test
    void stuckParserThreadsAreBoundedAndPauseJSqlParser() throws Exception {
      // stands in for a JSqlParser rule that never checks its cancellation flag
      CountDownLatch release = new CountDownLatch(1);
      AtomicInteger blocked = new AtomicInteger();
      SqlAnalyzer.StatementParser ignoresCancellation =
          (sql, brackets, cancellation) -> {
            assertThat(Thread.currentThread().getName()).isEqualTo(SqlAnalyzer.THREAD_NAME);
            assertThat(Thread.currentThread().isDaemon()).isTrue();
            blocked.incrementAndGet();
            while (true) {
              try {
                if (release.await(10, TimeUnit.SECONDS)) {
                  blocked.decrementAndGet();
                  throw new IllegalStateException("released");
                }
              } catch (InterruptedException ignored) {
                // as JSqlParser does
              }
            }
          };
      long before = parserThreads();
      try (SqlAnalyzer stuck = new SqlAnalyzer(100, 16384, ignoresCancellation)) {
        for (int i = 0; i < SqlAnalyzer.MAX_STUCK_THREADS; i++) {
          SqlStructure s = stuck.analyze("select * from t" + i + " where a = ?");

          assertThat(s.parsed()).isFalse();
          assertThat(s.tables()).containsExactly("t" + i);
          assertThat(s.problem()).isEqualTo("not parsed this time: JSqlParser timed out after 100 ms");
        }
        assertThat(blocked.get()).isEqualTo(SqlAnalyzer.MAX_STUCK_THREADS);
        assertThat(parserThreads() - before).isLessThanOrEqualTo(SqlAnalyzer.MAX_STUCK_THREADS);

        long start = System.nanoTime();
        for (int i = 0; i < 5; i++) {
          SqlStructure s = stuck.analyze("select * from users u where u.id = ?");

          assertThat(s.parsed()).isFalse();
          assertThat(s.tables()).containsExactly("users");
          assertThat(s.problem()).contains("stuck");
        }
        assertThat((System.nanoTime() - start) / 1_000_000).isLessThan(1000);
        assertThat(blocked.get()).isEqualTo(SqlAnalyzer.MAX_STUCK_THREADS);
        assertThat(parserThreads() - before).isLessThanOrEqualTo(SqlAnalyzer.MAX_STUCK_THREADS);

        // once the stuck threads end, parsing resumes
        release.countDown();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        SqlStructure resumed = stuck.analyze("select * from users u where u.id = ?");
        while (resumed.problem().contains("stuck") && System.nanoTime() < deadline) {
          Thread.sleep(10);
          resumed = stuck.analyze("select * from users u where u.id = ?");
        }

        assertThat(resumed.problem()).isEqualTo("JSqlParser could not parse it: released");
      } finally {
        release.countDown();
      }
    }

    @Test
    void closedAnalyzerStillAnswersLexically() {
      SqlAnalyzer closing = new SqlAnalyzer();
      assertThat(closing.analyze("select * from a where a.x = ?").parsed()).isTrue();
      closing.close();

      SqlStructure s = closing.analyze("select * from a where a.x = ?");

      assertThat(s.parsed()).isFalse();
      assertThat(s.tables()).containsExactly("a");
    }
  }
}
