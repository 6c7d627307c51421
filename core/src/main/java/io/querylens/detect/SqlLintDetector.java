package io.querylens.detect;

import io.querylens.finding.Finding;
import io.querylens.finding.FindingType;
import io.querylens.finding.Severity;
import io.querylens.internal.Diagnostics;
import io.querylens.record.Execution;
import io.querylens.sql.LikePatterns;
import io.querylens.sql.SqlAnalyzer;
import io.querylens.sql.SqlStructure;
import io.querylens.sql.SqlStructure.Operator;
import io.querylens.sql.SqlStructure.Predicate;
import io.querylens.sql.StatementKind;
import io.querylens.sql.StatementShape;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * SQL lint (INFO unless {@code lint.severity} says otherwise): statements written in a way that costs later, each rule
 * reported once per statement shape.
 * <ul>
 *   <li>{@code inline-literals}: one shape run with {@code lint.literal.values} different sets of values written into
 *       its SQL instead of bind markers. Every set is a new statement for the database to parse and plan (and to
 *       crowd its statement cache with), and values pasted into SQL are how injection happens. A literal that never
 *       changes ({@code status = 'ACTIVE'}) is not reported.
 *   <li>{@code leading-wildcard}: {@code LIKE} with a pattern starting with {@code %} or {@code _}, written in or
 *       bound: no B-tree index on the column can serve it, so every row is read.
 *   <li>{@code cross-join}: tables joined without a join condition (explicit {@code CROSS JOIN} too): every row of
 *       one is paired with every row of the other.
 *   <li>{@code in-list-sizes}: one prepared shape run with {@code lint.in.sizes} different {@code IN (?, ...)} list
 *       sizes: to the database each size is another statement, parsed, planned and cached apart. Lists padded to
 *       powers of two are not reported.
 * </ul>
 * Costs a few field reads for a statement with no literal, no IN list, no bound wildcard pattern and no cross join;
 * a per-shape lookup for the others until their rule is reported; the SQL is tokenized for LIKE patterns at most
 * {@value #MAX_PATTERN_CHECKS} times per shape.
 */
public final class SqlLintDetector implements Detector {

  public static final String ID = "sql-lint";

  private static final int MAX_SHAPES = 10_000;
  private static final int MAX_PATTERN_CHECKS = 16;
  /** IN-list sizes 1, 2, 4, 8, 16 and 32: what padding to powers of two produces. */
  private static final long POWERS_OF_TWO = 1L << 1 | 1L << 2 | 1L << 4 | 1L << 8 | 1L << 16 | 1L << 32;
  /** The bit for lists of 64 items and more. */
  private static final long LARGE_LIST = 1L;

  /** One lint rule; its name is the finding's {@code rule} detail. */
  public enum Rule {
    INLINE_LITERALS("inline-literals"),
    LEADING_WILDCARD("leading-wildcard"),
    CROSS_JOIN("cross-join"),
    IN_LIST_SIZES("in-list-sizes");

    private final String label;

    Rule(String label) {
      this.label = label;
    }

    public String label() {
      return label;
    }

    int bit() {
      return 1 << ordinal();
    }
  }

  /** What made a finding, kept for {@link #describe}: the rule and how many literal sets or list sizes were seen. */
  record Lint(Rule rule, int distinct, long listSizes) {}

  private final int literalValues;
  private final int inSizes;
  private final Severity severity;
  private final ConcurrentHashMap<StatementShape, ShapeLint> shapes = new ConcurrentHashMap<>();

  public SqlLintDetector(int literalValues, int inSizes, Severity severity) {
    this.literalValues = literalValues;
    this.inSizes = inSizes;
    this.severity = severity;
  }

  @Override
  public String id() {
    return ID;
  }

  @Override
  public Set<FindingType> findingTypes() {
    return Set.of(FindingType.SQL_LINT);
  }

  @Override
  public boolean onExecution(Execution execution, DetectionSink sink) {
    StatementShape shape = execution.shape();
    StatementKind kind = shape.kind();
    if (kind != StatementKind.SELECT && !kind.isWrite() || shape.isPlaceholder()) {
      return false;
    }
    if (execution.failed() || execution.isBatch()) {
      return true;
    }
    long literalHash = execution.literalHash();
    int listItems = execution.listItems();
    long wildcards = execution.leadingWildcardParameters();
    SqlStructure structure = shape.structure();
    boolean crossJoin = structure != null && structure.crossJoin();
    if (literalHash == 0 && listItems == 0 && wildcards == 0 && !crossJoin) {
      return true;
    }
    ShapeLint lint = lintOf(shape);
    if (lint == null) {
      return true;
    }
    if (crossJoin && lint.claim(Rule.CROSS_JOIN)) {
      report(execution, sink, new Lint(Rule.CROSS_JOIN, 0, 0));
    }
    if (literalHash != 0 && !lint.reported(Rule.INLINE_LITERALS)) {
      int distinct = lint.addLiteralSet(literalHash);
      if (distinct >= literalValues && lint.claim(Rule.INLINE_LITERALS)) {
        report(execution, sink, new Lint(Rule.INLINE_LITERALS, distinct, 0));
      }
    }
    if (listItems > 0 && literalHash == 0 && execution.isPrepared() && !lint.reported(Rule.IN_LIST_SIZES)) {
      long sizes = lint.addListSize(listItems);
      if (Long.bitCount(sizes) >= inSizes
          && (sizes & ~(POWERS_OF_TWO | LARGE_LIST)) != 0 && lint.claim(Rule.IN_LIST_SIZES)) {
        report(execution, sink, new Lint(Rule.IN_LIST_SIZES, Long.bitCount(sizes), sizes));
      }
    }
    if ((wildcards != 0 || literalHash != 0) && !lint.reported(Rule.LEADING_WILDCARD) && mayHaveLike(structure)
        && lint.patternChecks.incrementAndGet() <= MAX_PATTERN_CHECKS
        && LikePatterns.leadingWildcard(execution.rawSql(), wildcards) && lint.claim(Rule.LEADING_WILDCARD)) {
      report(execution, sink, new Lint(Rule.LEADING_WILDCARD, 0, 0));
    }
    return true;
  }

  private ShapeLint lintOf(StatementShape shape) {
    ShapeLint lint = shapes.get(shape);
    if (lint != null) {
      return lint;
    }
    if (shapes.size() >= MAX_SHAPES) {
      Diagnostics.dropped("SQL lint", "more than " + MAX_SHAPES + " statement shapes with literals, IN lists or "
          + "LIKE patterns; further shapes are not linted");
      return null;
    }
    return shapes.computeIfAbsent(shape, ignored -> new ShapeLint(literalValues));
  }

  /** False only when the statement was parsed and has no LIKE: a shape not analysed yet may. */
  private static boolean mayHaveLike(SqlStructure structure) {
    if (structure == null || !structure.parsed()) {
      return true;
    }
    for (Predicate predicate : structure.predicates()) {
      if (predicate.operator() == Operator.LIKE) {
        return true;
      }
    }
    return false;
  }

  private void report(Execution execution, DetectionSink sink, Lint lint) {
    StatementShape shape = execution.shape();
    var unit = execution.unit();
    sink.report(new Detection(this, FindingType.SQL_LINT, severity, shape, execution.callSite(), 1, lint.distinct(),
        execution.durationNanos(), execution.durationNanos(), unit.kind(), unit.name(), null, null,
        Thread.currentThread().getContextClassLoader(),
        FindingType.SQL_LINT + "|" + lint.rule().label() + "|" + shape.sql(), lint));
  }

  @Override
  public Finding describe(Detection detection, SqlAnalyzer analyzer) {
    StatementShape shape = detection.shape();
    SqlStructure structure = shape.structure(analyzer);
    Lint lint = (Lint) detection.evidence();
    String statement = "[" + SqlText.abbreviate(shape.sql()) + "] from " + detection.callSite();
    List<String> columns = structure.filterColumns();
    String message;
    String suggestion;
    switch (lint.rule()) {
      case INLINE_LITERALS -> {
        message = "Values written into the SQL: " + statement + " ran with " + lint.distinct()
            + " different sets of literal values (threshold " + literalValues + "). Each is a new statement for the "
            + "database to parse and plan, and values pasted into SQL are how SQL injection happens.";
        suggestion = "Use a PreparedStatement with a ? for each value and bind the values (JdbcTemplate and JPA "
            + "query parameters do it): the statement is parsed and planned once, and no value can become SQL.";
      }
      case LEADING_WILDCARD -> {
        columns = columnsOf(structure, Operator.LIKE);
        message = "LIKE with a leading wildcard: " + statement + " matches " + describeColumns(columns)
            + " against a pattern starting with % or _, which no B-tree index can serve: every row is read and "
            + "tested.";
        suggestion = "Anchor the pattern at its start ('abc%') if the search allows it. For contains-searches use an "
            + "index built for them: on PostgreSQL, CREATE EXTENSION pg_trgm and CREATE INDEX ... USING gin ("
            + (columns.isEmpty() ? "column" : columns.get(0)) + " gin_trgm_ops); or full-text search.";
      }
      case CROSS_JOIN -> {
        columns = List.of();
        List<String> tables = structure.tables();
        message = "Cross join: " + statement + " joins " + (tables.isEmpty() ? "its tables"
            : String.join(", ", tables) + (tables.size() == 1 ? " with itself" : ""))
            + " without a join condition, so every row of one is paired "
            + "with every row of the other; the result grows with the product of their sizes.";
        suggestion = "Add the join condition (join ... on a.id = b.a_id). If the product is meant (a one-row table "
            + "of parameters, say), write CROSS JOIN against that small table only.";
      }
      case IN_LIST_SIZES -> {
        message = "IN lists of many sizes: " + statement + " ran with " + lint.distinct() + " different IN-list "
            + "sizes (" + sizes(lint.listSizes()) + "; threshold " + inSizes + "). To the database each size is "
            + "another statement, parsed, planned and cached apart.";
        suggestion = "Bind one array instead: on PostgreSQL, where " + (columns.isEmpty() ? "id" : columns.get(0))
            + " = any(?) with connection.createArrayOf(...). With Hibernate, set "
            + "hibernate.query.in_clause_parameter_padding=true (lists padded to powers of two); or pad the list "
            + "to a few fixed sizes yourself.";
      }
      default -> throw new IllegalStateException(lint.rule().name());
    }
    Finding.Builder finding = Finding.builder(FindingType.SQL_LINT, detection.severity(), ID)
        .sql(shape.sql())
        .tables(structure.tables())
        .columns(columns)
        .callSite(detection.callSite().toString())
        .count(detection.count())
        .message(message)
        .suggestion(suggestion)
        .problemKey(detection.problemKey())
        .detail("rule", lint.rule().label())
        .detail("unit", detection.unitKind().label() + " " + detection.unitName());
    if (lint.rule() == Rule.INLINE_LITERALS) {
      finding.detail("literalSets", (long) lint.distinct()).detail("threshold", (long) literalValues);
    } else if (lint.rule() == Rule.IN_LIST_SIZES) {
      finding.detail("listSizes", sizes(lint.listSizes())).detail("threshold", (long) inSizes);
    }
    return finding.build();
  }

  private static List<String> columnsOf(SqlStructure structure, Operator operator) {
    return structure.predicates().stream().filter(predicate -> predicate.operator() == operator)
        .map(predicate -> predicate.column().column()).distinct().toList();
  }

  private static String describeColumns(List<String> columns) {
    return columns.isEmpty() ? "a column" : String.join(", ", columns);
  }

  /** The sizes in a mask of list sizes, as {@code 2, 3, 7, 64+}. */
  static String sizes(long mask) {
    List<String> sizes = new ArrayList<>();
    for (int size = 1; size < 64; size++) {
      if ((mask & 1L << size) != 0) {
        sizes.add(String.valueOf(size));
      }
    }
    if ((mask & LARGE_LIST) != 0) {
      sizes.add("64+");
    }
    return String.join(", ", sizes);
  }

  /** What one shape showed so far; updated without locks by the threads running it. */
  private static final class ShapeLint {
    private final AtomicInteger reported = new AtomicInteger();
    /** Distinct literal hashes, filled from the front; 0 is an empty slot. */
    private final AtomicLongArray literalSets;
    /** Bit s for an IN list of s items (1 to 63), bit 0 for 64 and more. */
    private final AtomicLong listSizes = new AtomicLong();
    final AtomicInteger patternChecks = new AtomicInteger();

    ShapeLint(int literalValues) {
      literalSets = new AtomicLongArray(literalValues);
    }

    boolean reported(Rule rule) {
      return (reported.get() & rule.bit()) != 0;
    }

    /** True for the one caller that gets to report {@code rule}. */
    boolean claim(Rule rule) {
      return (reported.getAndUpdate(bits -> bits | rule.bit()) & rule.bit()) == 0;
    }

    /** Adds a set of literal values (a non-zero hash); returns how many distinct ones are known, at most the cap. */
    int addLiteralSet(long hash) {
      for (int i = 0; i < literalSets.length(); i++) {
        if (literalSets.get(i) == 0) {
          literalSets.compareAndSet(i, 0, hash);
        }
        if (literalSets.get(i) == hash) {
          return filled();
        }
      }
      return literalSets.length();
    }

    private int filled() {
      int filled = 0;
      while (filled < literalSets.length() && literalSets.get(filled) != 0) {
        filled++;
      }
      return filled;
    }

    long addListSize(int items) {
      long bit = items < 64 ? 1L << items : LARGE_LIST;
      long before = listSizes.get();
      return (before & bit) != 0 ? before : listSizes.accumulateAndGet(bit, (a, b) -> a | b);
    }
  }
}
