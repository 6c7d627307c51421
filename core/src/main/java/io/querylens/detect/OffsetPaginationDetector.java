package io.querylens.detect;

import io.querylens.finding.Finding;
import io.querylens.finding.FindingType;
import io.querylens.finding.Severity;
import io.querylens.record.Execution;
import io.querylens.sql.SqlAnalyzer;
import io.querylens.sql.SqlLexer;
import io.querylens.sql.SqlStructure;
import io.querylens.sql.SqlStructure.SortKey;
import io.querylens.sql.StatementShape;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Deep OFFSET pagination: a page read with {@code OFFSET n} (also {@code LIMIT m, n}, {@code OFFSET n ROWS}) where n
 * is at least {@code offset.threshold}: the database reads and throws away n rows for every page, so each page is
 * slower than the one before. The offset is read from the statement (a literal) or from its bind parameter (a bound
 * whole number). Also pagination without ORDER BY, whose pages may overlap or skip rows. Keyset pagination (no
 * OFFSET) is never reported. Reported once per shape. Costs one field read per statement (whether the shape has an
 * OFFSET is decided once, from its text); the SQL is tokenized for the offset only for shapes that have one, until one
 * is reported.
 */
public final class OffsetPaginationDetector implements Detector {

  public static final String ID = "offset-pagination";

  private static final int MAX_REMEMBERED = 10_000;

  private final long threshold;
  /** Shapes reported already, so a loop over pages is one finding (checked before the call site is walked). */
  private final Set<StatementShape> reported = ConcurrentHashMap.newKeySet();

  public OffsetPaginationDetector(long threshold) {
    this.threshold = threshold;
  }

  /** What made the finding, kept for {@link #describe}. */
  record Page(long offset, boolean unordered) {}

  @Override
  public String id() {
    return ID;
  }

  @Override
  public Set<FindingType> findingTypes() {
    return Set.of(FindingType.OFFSET_PAGINATION);
  }

  @Override
  public boolean onExecution(Execution execution, DetectionSink sink) {
    StatementShape shape = execution.shape();
    if (!shape.isPaged() || shape.isPlaceholder() || reported.contains(shape)) {
      return false;
    }
    if (execution.failed()) {
      return true;
    }
    long offset = offset(execution);
    boolean unordered = !shape.sql().contains("order by");
    if (offset < threshold && !(unordered && offset > 0)) {
      return true;
    }
    if (reported.size() >= MAX_REMEMBERED || !reported.add(shape)) {
      return false;
    }
    String key = FindingType.OFFSET_PAGINATION + "|" + shape.sql();
    var unit = execution.unit();
    sink.report(new Detection(this, FindingType.OFFSET_PAGINATION, Severity.WARN, shape, execution.callSite(), 1, 0,
        execution.durationNanos(), execution.durationNanos(), unit.kind(), unit.name(), null, null,
        Thread.currentThread().getContextClassLoader(), key, new Page(Math.max(offset, 0), unordered)));
    return false;
  }

  /** The rows this execution skips, or -1 when it cannot be told (an offset bound as something else than a number). */
  static long offset(Execution execution) {
    String sql = execution.rawSql();
    long[] found = offsetIn(sql);
    if (found == null) {
      return -1;
    }
    if (found[0] >= 0) {
      return found[0];
    }
    long bound = execution.boundLong((int) found[1]);
    return bound == Long.MIN_VALUE ? -1 : bound;
  }

  /**
   * Finds the last {@code OFFSET n} / {@code OFFSET ?}, or MySQL's {@code LIMIT m, n} (m is the offset), in
   * {@code sql}, outside quotes and comments. Returns null when there is none; else {@code {value, -1}} for a number
   * written in, or {@code {-1, marker}} for the {@code marker}-th bind marker (1-based).
   */
  static long[] offsetIn(String sql) {
    List<SqlLexer.Token> tokens = SqlLexer.tokenize(sql);
    long[] found = null;
    int markers = 0;
    for (int i = 0; i < tokens.size(); i++) {
      SqlLexer.Token token = tokens.get(i);
      if (token.type() == SqlLexer.Type.MARKER) {
        markers++;
      }
      if (i == 0 || token.type() != SqlLexer.Type.MARKER && token.type() != SqlLexer.Type.NUMBER) {
        continue;
      }
      SqlLexer.Token before = tokens.get(i - 1);
      boolean offset = before.isWord("offset")
          || before.isWord("limit") && i + 1 < tokens.size() && tokens.get(i + 1).isPunct(',');
      if (!offset) {
        continue;
      }
      if (token.type() == SqlLexer.Type.MARKER) {
        found = new long[] {-1, markers};
      } else if (token.text().chars().allMatch(Character::isDigit)) {
        long value;
        try {
          value = Long.parseLong(token.text());
        } catch (NumberFormatException huge) {
          value = Long.MAX_VALUE;
        }
        found = new long[] {value, -1};
      }
    }
    return found;
  }

  @Override
  public Finding describe(Detection detection, SqlAnalyzer analyzer) {
    StatementShape shape = detection.shape();
    SqlStructure structure = shape.structure(analyzer);
    Page page = (Page) detection.evidence();
    String keyset = keyset(structure);
    String message;
    String suggestion;
    if (page.offset() >= threshold) {
      message = String.format(Locale.ROOT, "Deep OFFSET pagination: [%s] skipped %,d rows to read one page, from %s "
          + "in %s %s (threshold %,d). The database reads and throws away every skipped row, so each page is slower "
          + "than the one before.", SqlText.abbreviate(shape.sql()), page.offset(), detection.callSite(),
          detection.unitKind().label(), detection.unitName(), threshold);
      suggestion = "Page by key instead (keyset pagination): remember the last row's sort key and ask for the rows "
          + "after it, " + keyset + ", with an index on those columns; it costs the same for every page."
          + (page.unordered() ? " It has no ORDER BY either: pages may overlap or skip rows." : "");
    } else {
      message = String.format(Locale.ROOT, "Pagination without ORDER BY: [%s] skips %,d rows with no order, from %s "
          + "in %s %s: the database may return rows in any order, so pages can overlap and rows can be skipped.",
          SqlText.abbreviate(shape.sql()), page.offset(), detection.callSite(), detection.unitKind().label(),
          detection.unitName());
      suggestion = "Order by a unique key (e.g. order by id), or better page by key: " + keyset + ".";
    }
    return Finding.builder(FindingType.OFFSET_PAGINATION, detection.severity(), ID)
        .sql(shape.sql())
        .tables(structure.tables())
        .columns(structure.orderBy().stream().map(key -> key.column().column()).distinct().toList())
        .callSite(detection.callSite().toString())
        .count(detection.count())
        .message(message)
        .suggestion(suggestion)
        .problemKey(detection.problemKey())
        .detail("offset", page.offset())
        .detail("threshold", threshold)
        .detail("orderBy", !page.unordered())
        .detail("keyset", keyset)
        .detail("unit", detection.unitKind().label() + " " + detection.unitName())
        .build();
  }

  /**
   * The keyset form for {@code structure}'s sort keys: {@code where (created_at, id) > (?, ?) order by created_at, id
   * limit ?}, with a unique column added last when the sort has none querylens can see (it assumes {@code id}).
   */
  static String keyset(SqlStructure structure) {
    List<SortKey> keys = structure.orderBy();
    List<String> columns = new java.util.ArrayList<>(keys.stream().map(key -> key.column().column()).toList());
    if (!columns.contains("id")) {
      columns.add("id");
    }
    boolean descending = !keys.isEmpty() && keys.stream().allMatch(SortKey::descending);
    String list = String.join(", ", columns);
    String markers = String.join(", ", java.util.Collections.nCopies(columns.size(), "?"));
    String direction = descending ? " desc" : "";
    String order = String.join(", ", columns.stream().map(column -> column + direction).toList());
    return columns.size() == 1
        ? "where " + list + (descending ? " < " : " > ") + "? order by " + order + " limit ?"
        : "where (" + list + ")" + (descending ? " < " : " > ") + "(" + markers + ") order by " + order + " limit ?";
  }
}
