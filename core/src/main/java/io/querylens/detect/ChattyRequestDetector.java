package io.querylens.detect;

import io.querylens.callsite.CallSite;
import io.querylens.finding.Finding;
import io.querylens.finding.FindingType;
import io.querylens.finding.Severity;
import io.querylens.record.ShapeTally;
import io.querylens.record.UnitKind;
import io.querylens.record.UnitOfWork;
import io.querylens.sql.SqlAnalyzer;
import io.querylens.sql.StatementShape;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Chatty request: a request (or explicit scope) that ran more than {@code request.max.statements} statements or spent
 * more than {@code request.max.db.ms} in the database. Judged when the request ends, from the counts the recorder
 * kept; one finding per endpoint, naming the shapes that made its first chatty request chatty. Every later chatty
 * request of the endpoint is counted against that finding (occurrences, and the most statements one ran) and gets its
 * span event, without the shapes being gathered again.
 *
 * <p>What another finding already explains is not counted again: the repeats of an N+1, of unbatched writes and of a
 * repeated query (each has its own finding and fix), and the time of a shape whose slowest execution was a slow
 * query. A request made chatty by one N+1 alone is that N+1; what is left is many different statements, or patterns
 * each too small to be reported, adding up.
 */
public final class ChattyRequestDetector implements Detector {

  public static final String ID = "chatty-request";

  /** Over the limit by this factor, the finding is an ERROR. */
  private static final int ERROR_FACTOR = 10;
  /** Shapes named in the finding. */
  static final int TOP_SHAPES = 5;
  private static final int MAX_REMEMBERED = 10_000;

  private final int maxStatements;
  private final long maxNanos;
  private final long slowNanos;
  private final int nPlusOneThreshold;
  private final int batchThreshold;
  private final int repeatThreshold;
  private final Set<String> reported = ConcurrentHashMap.newKeySet();

  /**
   * @param maxStatements statements a request may run
   * @param maxMillis database time a request may spend
   * @param slowMillis {@code slow.threshold.ms}; the other thresholds are those of the detectors whose findings
   *     explain statements
   */
  public ChattyRequestDetector(int maxStatements, long maxMillis, long slowMillis, int nPlusOneThreshold,
      int batchThreshold, int repeatThreshold) {
    this.maxStatements = maxStatements;
    this.maxNanos = maxMillis * 1_000_000;
    this.slowNanos = slowMillis * 1_000_000;
    this.nPlusOneThreshold = nPlusOneThreshold;
    this.batchThreshold = batchThreshold;
    this.repeatThreshold = repeatThreshold;
  }

  @Override
  public String id() {
    return ID;
  }

  @Override
  public Set<FindingType> findingTypes() {
    return Set.of(FindingType.CHATTY_REQUEST);
  }

  /** What made one request chatty. */
  record ChattyRequest(int statements, long nanos, int counted, long countedNanos, List<ShapeShare> shapes) {}

  /** One shape's part in it. */
  record ShapeShare(StatementShape shape, int executions, long nanos, CallSite site) {}

  @Override
  public void onUnitEnd(UnitOfWork unit, DetectionSink sink) {
    if (unit.kind() != UnitKind.REQUEST && unit.kind() != UnitKind.SCOPE) {
      return;
    }
    int statements = unit.statements();
    long nanos = unit.databaseNanos();
    if (statements <= maxStatements && nanos <= maxNanos) {
      return;
    }
    List<ShapeTally> tallies = unit.tallies();
    int counted = statements;
    long countedNanos = nanos;
    for (ShapeTally tally : tallies) {
      int explained = explainedExecutions(tally);
      if (tally.maxNanos() >= slowNanos) {
        countedNanos -= tally.totalNanos();
      } else if (explained > 0) {
        countedNanos -= tally.totalNanos() / tally.executions() * explained;
      }
      counted -= explained;
    }
    boolean tooMany = counted > maxStatements;
    boolean tooLong = countedNanos > maxNanos;
    if (!tooMany && !tooLong) {
      return;
    }
    boolean far = tooMany && counted >= (long) maxStatements * ERROR_FACTOR
        || tooLong && countedNanos >= maxNanos * ERROR_FACTOR;
    String key = FindingType.CHATTY_REQUEST + "|" + unit.kind() + "|" + unit.name();
    if (reported.contains(key) || reported.size() >= MAX_REMEMBERED || !reported.add(key)) {
      // Another chatty request of a reported endpoint: counted against its finding, shapes not gathered again.
      sink.report(new Detection(this, FindingType.CHATTY_REQUEST, far ? Severity.ERROR : Severity.WARN, null,
          CallSite.UNKNOWN, statements, 0, nanos, 0, unit.kind(), unit.name(), null, null, unit.contextLoader(), key,
          new ChattyRequest(statements, nanos, counted, countedNanos, List.of())));
      return;
    }
    Comparator<ShapeTally> order = tooMany
        ? Comparator.comparingInt(ShapeTally::executions).thenComparingLong(ShapeTally::totalNanos)
        : Comparator.comparingLong(ShapeTally::totalNanos).thenComparingInt(ShapeTally::executions);
    List<ShapeShare> top = tallies.stream().sorted(order.reversed()).limit(TOP_SHAPES)
        .map(tally -> new ShapeShare(tally.shape(), tally.executions(), tally.totalNanos(),
            tally.busiestSite() < 0 ? null : tally.site(tally.busiestSite())))
        .toList();
    CallSite site = top.stream().map(ShapeShare::site).filter(java.util.Objects::nonNull).findFirst()
        .orElse(CallSite.UNKNOWN);
    sink.report(new Detection(this, FindingType.CHATTY_REQUEST, far ? Severity.ERROR : Severity.WARN,
        top.isEmpty() ? null : top.get(0).shape(), site, statements, 0, nanos, 0, unit.kind(), unit.name(), null,
        null, unit.contextLoader(), key, new ChattyRequest(statements, nanos, counted, countedNanos, top)));
  }

  /** Executions of {@code tally} another finding of the unit already reports as avoidable. */
  private int explainedExecutions(ShapeTally tally) {
    if (tally.executions() == 0) {
      return 0;
    }
    if (NPlusOneDetector.isNPlusOne(tally, nPlusOneThreshold)) {
      return tally.executions() - 1;
    }
    if (RepeatedQueryDetector.isRepeated(tally, repeatThreshold, nPlusOneThreshold)) {
      return tally.maxRepeats() - 1;
    }
    return UnbatchedWritesDetector.avoidableExecutions(tally, batchThreshold);
  }

  @Override
  public Finding describe(Detection detection, SqlAnalyzer analyzer) {
    ChattyRequest request = (ChattyRequest) detection.evidence();
    String unit = detection.unitKind().label() + " " + detection.unitName();
    StringBuilder message = new StringBuilder("Chatty ").append(detection.unitKind().label()).append(": ")
        .append(detection.unitName()).append(" ran ").append(request.statements())
        .append(request.statements() == 1 ? " statement" : " statements").append(" taking ")
        .append(SqlText.millis(request.nanos())).append(" in the database");
    List<String> limits = new ArrayList<>();
    if (request.counted() > maxStatements) {
      limits.add("more than " + maxStatements + " statements");
    }
    if (request.countedNanos() > maxNanos) {
      limits.add("more than " + SqlText.millis(maxNanos) + " of database time");
    }
    message.append(" (").append(String.join(" and ", limits));
    if (request.counted() != request.statements() || request.countedNanos() != request.nanos()) {
      message.append(" beyond what its other findings explain: ").append(request.counted()).append(" statements, ")
          .append(SqlText.millis(request.countedNanos()));
    }
    message.append("). Most of it:");
    Set<String> tables = new LinkedHashSet<>();
    List<Map<String, Object>> shapes = new ArrayList<>();
    for (ShapeShare share : request.shapes()) {
      String where = share.site() == null ? "" : " from " + share.site();
      message.append(String.format(Locale.ROOT, " %d x [%s] (%s)%s;", share.executions(),
          SqlText.abbreviate(share.shape().sql()), SqlText.millis(share.nanos()), where));
      tables.addAll(share.shape().structure(analyzer).tables());
      Map<String, Object> shape = new LinkedHashMap<>();
      shape.put("sql", share.shape().sql());
      shape.put("executions", (long) share.executions());
      shape.put("databaseMs", SqlText.millisValue(share.nanos()));
      shape.put("callSite", share.site() == null ? "" : share.site().toString());
      shapes.add(shape);
    }
    if (request.shapes().isEmpty()) {
      message.setLength(message.length() - " Most of it:".length()); // ends with the limit's "."
    } else {
      message.setCharAt(message.length() - 1, '.');
    }
    StatementShape top = detection.shape();
    return Finding.builder(FindingType.CHATTY_REQUEST, detection.severity(), ID)
        .sql(top == null ? "" : top.sql())
        .tables(List.copyOf(tables))
        .callSite(detection.callSite().toString())
        .count(request.statements())
        .message(message.toString())
        .suggestion("Fetch what the " + detection.unitKind().label() + " needs in fewer statements: join or "
            + "batch-fetch related rows (JOIN FETCH, @BatchSize, one IN list instead of a loop), read reference data "
            + "once and cache it, and move work the response does not need (audit writes, counters) out of it.")
        .problemKey(detection.problemKey())
        .detail("unit", unit)
        .detail("statements", (long) request.statements())
        .detail("databaseMs", SqlText.millisValue(request.nanos()))
        .detail("maxStatements", (long) maxStatements)
        .detail("maxDatabaseMs", SqlText.millisValue(maxNanos))
        .detail("shapes", shapes)
        .build();
  }
}
