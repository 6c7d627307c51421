package io.querylens.detect;

import io.querylens.callsite.CallSite;
import io.querylens.callsite.Origin;
import io.querylens.finding.Finding;
import io.querylens.finding.FindingType;
import io.querylens.finding.Severity;
import io.querylens.record.ShapeTally;
import io.querylens.record.UnitOfWork;
import io.querylens.sql.SqlAnalyzer;
import io.querylens.sql.SqlStructure;
import io.querylens.sql.StatementKind;
import io.querylens.sql.StatementShape;
import java.util.Set;

/**
 * N+1: the same select shape, from the same call site, run with at least {@code nplusone.threshold} distinct value
 * sets in one unit of work. Judged when the unit ends, from the counts the recorder kept.
 *
 * <p>Not an N+1: one query per unit across many units (each unit counts alone); set-based reads (an IN list of
 * several keys or {@code = ANY(?)}, what {@code @BatchSize} and batch fetching issue); the same values again (that is
 * a repeated query); batches; one JOIN FETCH query; reading one result page after another (OFFSET paging, or keyset
 * paging: a range condition on a sort column with a LIMIT).
 */
public final class NPlusOneDetector implements Detector {

  public static final String ID = "n-plus-one";

  /** Executions from one site, as a multiple of the threshold, at which the finding becomes an ERROR. */
  private static final int ERROR_FACTOR = 20;

  private final int threshold;
  private final boolean showParameters;

  public NPlusOneDetector(int threshold, boolean showParameters) {
    this.threshold = threshold;
    this.showParameters = showParameters;
  }

  @Override
  public String id() {
    return ID;
  }

  @Override
  public Set<FindingType> findingTypes() {
    return Set.of(FindingType.N_PLUS_ONE);
  }

  @Override
  public void onUnitEnd(UnitOfWork unit, DetectionSink sink) {
    for (ShapeTally tally : unit.tallies()) {
      if (!mayBeNPlusOne(tally, threshold)) {
        continue;
      }
      for (int i = 0; i < tally.siteCount(); i++) {
        int distinct = tally.siteDistinctValues(i);
        if (distinct < threshold) {
          continue;
        }
        CallSite site = tally.site(i);
        int executions = tally.siteExecutions(i);
        Severity severity = executions >= threshold * ERROR_FACTOR ? Severity.ERROR : Severity.WARN;
        sink.report(new Detection(this, FindingType.N_PLUS_ONE, severity, tally.shape(), site, executions, distinct,
            tally.siteNanos(i), tally.maxNanos(), unit.kind(), unit.name(),
            showParameters ? tally.sampleRawSql() : null, showParameters ? tally.sampleParameters() : null,
            unit.contextLoader(),
            FindingType.N_PLUS_ONE + "|" + tally.shape().sql() + "|" + site + "|" + unit.kind(), null));
      }
    }
  }

  /** Whether some call site of {@code tally} is reported as an N+1 with {@code threshold}. */
  static boolean isNPlusOne(ShapeTally tally, int threshold) {
    if (!mayBeNPlusOne(tally, threshold)) {
      return false;
    }
    for (int i = 0; i < tally.siteCount(); i++) {
      if (tally.siteDistinctValues(i) >= threshold) {
        return true;
      }
    }
    return false;
  }

  /** A select with enough distinct values, not a page read: its call sites are worth looking at. */
  private static boolean mayBeNPlusOne(ShapeTally tally, int threshold) {
    return tally.shape().kind() == StatementKind.SELECT && tally.distinctValues() >= threshold
        && !isPageRead(tally.shape());
  }

  /**
   * Whether the shape reads one page of a larger result: OFFSET paging, or keyset paging (a range condition on a sort
   * column, with a LIMIT). Uses the analysis when the worker has made it (it usually has: it is queued when the shape
   * is first seen); until then only OFFSET is recognised, from the text.
   */
  static boolean isPageRead(StatementShape shape) {
    SqlStructure structure = shape.structure();
    if (structure == null || !structure.parsed()) {
      String sql = shape.sql();
      return sql.contains(" offset ?") || sql.contains(" limit ?, ?");
    }
    if (structure.offset().present()) {
      return true;
    }
    if (!structure.limit().present() || structure.orderBy().isEmpty()) {
      return false;
    }
    for (SqlStructure.Predicate predicate : structure.predicates()) {
      if (predicate.operator() == SqlStructure.Operator.RANGE) {
        for (SqlStructure.SortKey key : structure.orderBy()) {
          if (key.column().column().equals(predicate.column().column())) {
            return true;
          }
        }
      }
    }
    return false;
  }

  @Override
  public Finding describe(Detection detection, SqlAnalyzer analyzer) {
    StatementShape shape = detection.shape();
    SqlStructure structure = shape.structure(analyzer);
    String table = structure.tables().isEmpty() ? "the table" : structure.tables().get(0);
    String message = "N+1: " + detection.count() + " executions of [" + SqlText.abbreviate(shape.sql()) + "] from "
        + detection.callSite() + " in " + detection.unitKind().label() + " " + detection.unitName() + " (total "
        + SqlText.millis(detection.totalNanos()) + ", " + detection.distinctValues() + " distinct values).";
    return Finding.builder(FindingType.N_PLUS_ONE, detection.severity(), ID)
        .sql(shape.sql())
        .tables(structure.tables())
        .columns(structure.filterColumns())
        .callSite(detection.callSite().toString())
        .count(detection.count())
        .message(message)
        .suggestion(suggestion(detection.callSite().origin(), table, structure))
        .problemKey(detection.problemKey())
        .detail("distinctValues", detection.distinctValues())
        .detail("totalMs", SqlText.millisValue(detection.totalNanos()))
        .detail("unit", detection.unitKind().label() + " " + detection.unitName())
        .detail("unitKind", detection.unitKind().name())
        .detail("origin", detection.callSite().origin().name())
        .detail("threshold", threshold)
        .detail("rawSql", detection.rawSql())
        .detail("parameters", detection.parameters())
        .build();
  }

  /** A fix that fits what issued the statements. */
  static String suggestion(Origin origin, String table, SqlStructure structure) {
    String keys = structure.filterColumns().isEmpty() ? "id" : structure.filterColumns().get(0);
    return switch (origin) {
      case HIBERNATE_LAZY_COLLECTION -> "Each access to a lazy collection loaded it with its own select. Fetch the "
          + "collections with the parent query (join fetch, or an @EntityGraph), or load them in batches: "
          + "@BatchSize(size = 50) on the collection or hibernate.default_batch_fetch_size=50.";
      case HIBERNATE_LAZY_TO_ONE -> "Each access to a lazy @ManyToOne/@OneToOne proxy of " + table + " ran its own "
          + "select. Fetch the association with the parent query (join fetch, or an @EntityGraph), or set "
          + "@BatchSize on the " + table + " entity / hibernate.default_batch_fetch_size=50.";
      case HIBERNATE_LAZY_ATTRIBUTE -> "Each access to a lazy attribute ran its own select. Fetch it eagerly in this "
          + "query (join fetch / an @EntityGraph with the attribute) or drop @Basic(fetch = LAZY) if it is always read.";
      case HIBERNATE_EAGER_TO_ONE -> "An EAGER association of " + table + " was loaded by a separate select per row "
          + "of a query. Join fetch it in that query, or make it LAZY (@ManyToOne(fetch = FetchType.LAZY)) and fetch "
          + "it where it is needed.";
      case HIBERNATE_FIND -> "EntityManager.find/Session.get was called in a loop. Load all of them in one query: "
          + "where " + keys + " in (:ids), or Session.findMultiple / byMultipleIds.";
      case SPRING_DATA_REPOSITORY -> "A repository method was called in a loop. Fetch them at once: findAllById, a "
          + "query method with an IN parameter (findBy" + capitalize(keys) + "In), or a join fetch query.";
      case JDBC_TEMPLATE -> "JdbcTemplate ran this query in a loop. Load them in one query: where " + keys
          + " in (:ids) with NamedParameterJdbcTemplate, = any(?) with an array, or a join.";
      case HIBERNATE_QUERY -> "The same query ran in a loop. Load them in one query: join fetch / @EntityGraph / "
          + "where " + keys + " in (:ids).";
      case PLAIN_JDBC -> "Load them in one query: where " + keys + " in (...) or = any(?) with an array, or join "
          + table + " into the query that produced the keys.";
    };
  }

  private static String capitalize(String column) {
    StringBuilder result = new StringBuilder();
    boolean upper = true;
    for (char c : column.toCharArray()) {
      if (c == '_') {
        upper = true;
      } else {
        result.append(upper ? Character.toUpperCase(c) : c);
        upper = false;
      }
    }
    return result.toString();
  }
}
