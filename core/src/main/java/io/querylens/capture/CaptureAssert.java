package io.querylens.capture;

import io.querylens.detect.SqlText;
import io.querylens.finding.Finding;
import io.querylens.finding.FindingType;
import io.querylens.sql.StatementKind;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;
import java.util.function.UnaryOperator;
import java.util.stream.Collectors;

/**
 * Fluent checks over a {@link QueryCapture}, each throwing an {@link AssertionError} (which every test framework
 * reports as a failure) whose message shows the statements, their call sites and the fix, then every statement of the
 * capture:
 *
 * <pre>
 * Expected no N+1, found 1:
 *   40 x [select p.id, p.sku from products p where p.id = ?] at OrderService.listOrders(OrderService.java:42)
 *   Fix: ...
 * Statements in listsOrders (43):
 *   1 x select ... from orders ...
 *   40 x select ... from products ...
 * </pre>
 *
 * Checks read the capture as it was when {@link QueryCapture#assertThat()} was called, before or after closing it.
 */
public final class CaptureAssert {

  private static final int MAX_LISTED = 10;

  private final QueryCapture.Snapshot capture;

  CaptureAssert(QueryCapture.Snapshot capture) {
    this.capture = capture;
  }

  /**
   * No finding of the given types (of any type when none are given).
   *
   * @throws IllegalStateException when a type is given that none of querylens' running detectors reports (its absence
   *     would prove nothing)
   */
  public CaptureAssert noFindings(FindingType... types) {
    Set<FindingType> wanted = types.length == 0 ? capture.judgedTypes() : EnumSet.copyOf(Arrays.asList(types));
    for (FindingType type : wanted) {
      if (!capture.judgedTypes().contains(type)) {
        throw new IllegalStateException("querylens has no running detector for " + type + " (it judges "
            + capture.judgedTypes() + "); asserting its absence would prove nothing");
      }
    }
    List<Finding> found = capture.findings().stream().filter(finding -> wanted.contains(finding.type())).toList();
    if (!found.isEmpty()) {
      String what = types.length == 0 ? "no findings"
          : wanted.size() == 1 && wanted.contains(FindingType.N_PLUS_ONE) ? "no N+1"
          : "no " + wanted.stream().map(Enum::name).sorted().collect(Collectors.joining(" or ")) + " findings";
      StringBuilder message = new StringBuilder("Expected ").append(what).append(", found ").append(found.size())
          .append(':');
      for (Finding finding : found) {
        message.append("\n  ").append(describe(finding));
        if (finding.suggestion() != null) {
          message.append("\n  Fix: ").append(finding.suggestion());
        }
      }
      fail(message);
    }
    return this;
  }

  /** No N+1: no select shape run from one call site with {@code nplusone.threshold} or more distinct values. */
  public CaptureAssert noNPlusOne() {
    return noFindings(FindingType.N_PLUS_ONE);
  }

  /**
   * Every connection taken in the capture was closed again: none is left open when the capture is read (at its close,
   * for an annotation-driven test). Each one left open is listed with where it was taken and what it ran last.
   */
  public CaptureAssert noConnectionLeak() {
    return noFindings(FindingType.CONNECTION_LEAK);
  }

  /** Every statement took at most {@code max}. */
  public CaptureAssert maxDuration(Duration max) {
    List<CapturedStatement> slower = matching(statement -> statement.duration().compareTo(max) > 0);
    if (!slower.isEmpty()) {
      fail(listing("Expected every statement to take at most " + SqlText.millis(max.toNanos()) + ", " + slower.size()
          + " took longer:", slower));
    }
    return this;
  }

  /**
   * No query returned more than {@code max} rows (as read from the driver's result set: H2, PostgreSQL; queries whose
   * rows are not known pass).
   */
  public CaptureAssert maxRows(long max) {
    List<CapturedStatement> bigger = matching(statement -> statement.rows() > max);
    if (!bigger.isEmpty()) {
      fail(listing(String.format(java.util.Locale.ROOT, "Expected every query to return at most %,d rows, %d returned"
          + " more:", max, bigger.size()), bigger)
          + "\n  Fix: page (LIMIT), filter or aggregate in SQL; stream with a fetch size when every row is needed.");
    }
    return this;
  }

  /** No select ran twice with the same values: the second time could have been served from what the first read. */
  public CaptureAssert noRepeatedSelects() {
    List<List<CapturedStatement>> repeated = groupsOfSeveral(
        statement -> statement.kind() == StatementKind.SELECT && !statement.batch() && !statement.setBased(),
        statement -> statement.sql() + '\u0000' + statement.valuesId());
    if (!repeated.isEmpty()) {
      fail(groups("Expected no select repeated with the same values, found " + repeated.size() + ":", repeated,
          " with the same values, first at ")
          + "\n  Fix: keep what the first read returned (a local variable, the persistence context, a cache) instead"
          + " of reading it again.");
    }
    return this;
  }

  /**
   * Writes used JDBC batching: no insert, update or delete shape was executed one row at a time more than once from
   * one call site (one single write is fine).
   */
  public CaptureAssert writesBatched() {
    List<List<CapturedStatement>> unbatched = groupsOfSeveral(
        statement -> statement.kind().isWrite() && !statement.batch(),
        statement -> statement.sql() + '\u0000' + statement.callSite());
    if (!unbatched.isEmpty()) {
      fail(groups("Expected writes to be batched, found " + unbatched.size()
          + (unbatched.size() == 1 ? " statement" : " statements") + " executed row by row:", unbatched, " at ")
          + "\n  Fix: addBatch()/executeBatch() in JDBC; in Hibernate set hibernate.jdbc.batch_size=50 (and"
          + " hibernate.order_inserts=true), and use a sequence or UUID ids: IDENTITY ids disable insert batching.");
    }
    return this;
  }

  /** The statements passing {@code test}, grouped by {@code key}, the groups of more than one, in first-seen order. */
  private List<List<CapturedStatement>> groupsOfSeveral(
      Predicate<CapturedStatement> test, java.util.function.Function<CapturedStatement, String> key) {
    Map<String, List<CapturedStatement>> groups = new LinkedHashMap<>();
    for (CapturedStatement statement : capture.statements()) {
      if (test.test(statement)) {
        groups.computeIfAbsent(key.apply(statement), ignored -> new ArrayList<>()).add(statement);
      }
    }
    return groups.values().stream().filter(group -> group.size() > 1).toList();
  }

  /** {@code headline}, then a line per group: {@code 5 x [sql]} + {@code where} + the first one's call site. */
  private static String groups(String headline, List<List<CapturedStatement>> groups, String where) {
    StringBuilder text = new StringBuilder(headline);
    for (List<CapturedStatement> group : groups.subList(0, Math.min(MAX_LISTED, groups.size()))) {
      text.append("\n  ").append(group.size()).append(" x [").append(SqlText.abbreviate(group.get(0).sql()))
          .append(']').append(where).append(group.get(0).callSite());
    }
    return text.toString();
  }

  /**
   * Every select, insert, update, delete and merge used bind parameters: none carried literal values in its SQL. DDL
   * ({@code varchar(40)}) and session statements ({@code set ...}) are left out.
   */
  public CaptureAssert allUseBindParameters() {
    List<CapturedStatement> literal = matching(statement -> statement.inlineLiterals()
        && (statement.kind() == StatementKind.SELECT || statement.kind().isWrite()));
    if (!literal.isEmpty()) {
      fail(listing("Expected every statement to use bind parameters, " + literal.size()
          + " carried literal values in the SQL (shown masked):", literal)
          + "\n  Fix: use PreparedStatement with ? parameters (or named parameters in JPQL/JdbcTemplate): the database"
          + " can reuse the plan, and values can't inject SQL.");
    }
    return this;
  }

  /** No {@code LIKE '%...'} or {@code LIKE '_...'}: a leading wildcard can't use a b-tree index and scans the table. */
  public CaptureAssert noLeadingWildcardLike() {
    List<CapturedStatement> scans = matching(CapturedStatement::leadingWildcard);
    if (!scans.isEmpty()) {
      fail(listing("Expected no LIKE with a leading wildcard, found " + scans.size() + ":", scans)
          + "\n  Fix: match on a prefix (LIKE 'abc%'), or index for substring search (PostgreSQL: a pg_trgm GIN index;"
          + " MySQL: a FULLTEXT index).");
    }
    return this;
  }

  /** All statements. */
  public Count statements() {
    return new Count(null, "statements");
  }

  public Count selects() {
    return new Count(StatementKind.SELECT, "selects");
  }

  public Count inserts() {
    return new Count(StatementKind.INSERT, "inserts");
  }

  public Count updates() {
    return new Count(StatementKind.UPDATE, "updates");
  }

  public Count deletes() {
    return new Count(StatementKind.DELETE, "deletes");
  }

  /** Statements of one kind, to compare with an expected number. */
  public final class Count {
    private final StatementKind kind;
    private final String label;

    private Count(StatementKind kind, String label) {
      this.kind = kind;
      this.label = label;
    }

    public CaptureAssert exactly(int expected) {
      return check(actual -> actual == expected, "exactly " + expected);
    }

    public CaptureAssert atMost(int max) {
      return check(actual -> actual <= max, "at most " + max);
    }

    public CaptureAssert atLeast(int min) {
      return check(actual -> actual >= min, "at least " + min);
    }

    public CaptureAssert none() {
      return exactly(0);
    }

    private CaptureAssert check(java.util.function.IntPredicate ok, String expectation) {
      int actual = kind == null ? capture.count() : capture.count(kind);
      if (!ok.test(actual)) {
        List<CapturedStatement> those = matching(statement -> kind == null || statement.kind() == kind);
        fail(grouped("Expected " + expectation + " " + label + ", saw " + actual + ":", those));
      }
      return CaptureAssert.this;
    }
  }

  private List<CapturedStatement> matching(Predicate<CapturedStatement> test) {
    return capture.statements().stream().filter(test).toList();
  }

  private static String describe(Finding finding) {
    if (finding.type() == FindingType.CONNECTION_LEAK || finding.type() == FindingType.POOL_EXHAUSTION) {
      // About connections, not one statement shape: the finding's own sentence says which and where.
      return finding.message() + " (" + finding.type() + ", " + finding.severity().name().toLowerCase(Locale.ROOT)
          + ")";
    }
    return finding.count() + " x [" + SqlText.abbreviate(finding.sql()) + "]"
        + (finding.callSite() == null ? "" : " at " + finding.callSite())
        + " (" + finding.type() + ", " + finding.severity().name().toLowerCase(Locale.ROOT) + ")";
  }

  private static String listing(String headline, List<CapturedStatement> statements) {
    StringBuilder text = new StringBuilder(headline);
    for (CapturedStatement statement : statements.subList(0, Math.min(MAX_LISTED, statements.size()))) {
      text.append("\n  ").append(statement.describe());
    }
    if (statements.size() > MAX_LISTED) {
      text.append("\n  ... and ").append(statements.size() - MAX_LISTED).append(" more");
    }
    return text.toString();
  }

  /** Statements grouped by shape and call site: {@code 40 x [select ...] at Service.m(Service.java:42)}. */
  private static String grouped(String headline, List<CapturedStatement> statements) {
    Map<String, Integer> counts = new LinkedHashMap<>();
    for (CapturedStatement statement : statements) {
      counts.merge("[" + SqlText.abbreviate(statement.sql()) + "] at " + statement.callSite(), 1, Integer::sum);
    }
    StringBuilder text = new StringBuilder(headline);
    QueryCapture.appendCounts(text, counts, MAX_LISTED, "", UnaryOperator.identity());
    return text.toString();
  }

  private void fail(CharSequence message) {
    throw new AssertionError(message + "\n" + capture.summary());
  }
}
