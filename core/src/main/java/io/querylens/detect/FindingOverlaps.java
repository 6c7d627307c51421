package io.querylens.detect;

import io.querylens.finding.Finding;
import io.querylens.finding.FindingType;
import io.querylens.finding.Severity;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Where several detectors see the same executions, the finding users should read: the one that names the cause and
 * the fix, carrying what the other saw.
 * <ul>
 *   <li>A slow query whose shape is also a missing index, an unbounded result set or deep OFFSET pagination: that
 *       finding, with the slow query's figures.
 *   <li>Values written into the SQL ({@code inline-literals} lint) of a shape that is also an N+1 or unbatched
 *       writes: the loop is the problem, and its fix (one query, one batch of a prepared statement) binds the values
 *       too; the finding says so.
 * </ul>
 * Overlaps are found by statement shape; each explained finding is identified by an overlap key.
 */
public final class FindingOverlaps {

  private static final String INLINE_LITERALS = SqlLintDetector.Rule.INLINE_LITERALS.label();

  private FindingOverlaps() {}

  /** The overlap key of a finding another may explain, or null when none can: its type, lint rule and shape. */
  public static String explainableKey(FindingType type, String rule, String sql) {
    if (type == FindingType.SLOW_QUERY) {
      return type + "|" + sql;
    }
    if (type == FindingType.SQL_LINT && INLINE_LITERALS.equals(rule)) {
      return type + "|" + rule + "|" + sql;
    }
    return null;
  }

  /** As {@link #explainableKey(FindingType, String, String)}, for a detection. */
  public static String explainableKey(Detection detection) {
    String rule = detection.evidence() instanceof SqlLintDetector.Lint lint ? lint.rule().label() : null;
    return detection.shape() == null ? null : explainableKey(detection.type(), rule, detection.shape().sql());
  }

  private static String explainableKey(Finding finding) {
    return explainableKey(finding.type(), (String) finding.details().get("rule"), finding.sql());
  }

  /** The overlap keys of the findings that a finding of {@code type} about shape {@code sql} explains. */
  public static List<String> explainedKeys(FindingType type, String sql) {
    return switch (type) {
      case MISSING_INDEX, UNBOUNDED_RESULT_SET, OFFSET_PAGINATION -> List.of(FindingType.SLOW_QUERY + "|" + sql);
      case N_PLUS_ONE, UNBATCHED_WRITES -> List.of(FindingType.SQL_LINT + "|" + INLINE_LITERALS + "|" + sql);
      default -> List.of();
    };
  }

  /**
   * {@code findings} with each finding another of the list explains folded into that one (for a shape slow more than
   * once, its slowest execution), in their order.
   */
  public static List<Finding> fold(List<Finding> findings) {
    Map<String, Finding> explainable = new HashMap<>();
    for (Finding finding : findings) {
      String key = explainableKey(finding);
      if (key != null) {
        explainable.merge(key, finding, FindingOverlaps::stronger);
      }
    }
    Set<String> explained = new HashSet<>();
    for (Finding finding : findings) {
      for (String key : explainedKeys(finding.type(), finding.sql())) {
        if (explainable.containsKey(key)) {
          explained.add(key);
        }
      }
    }
    List<Finding> folded = new ArrayList<>(findings.size());
    for (Finding finding : findings) {
      String key = explainableKey(finding);
      if (key != null && explained.contains(key)) {
        continue;
      }
      Finding result = finding;
      for (String explainedKey : explainedKeys(finding.type(), finding.sql())) {
        Finding other = explainable.remove(explainedKey);
        if (other != null) {
          result = withExplained(result, other);
        }
      }
      folded.add(result);
    }
    return folded;
  }

  /** Of two findings with one overlap key, the one to keep: the slower. */
  public static Finding stronger(Finding a, Finding b) {
    return millis(b) > millis(a) ? b : a;
  }

  private static double millis(Finding finding) {
    return finding.details().get("durationMs") instanceof Number number ? number.doubleValue() : 0;
  }

  /**
   * {@code explaining} with what {@code explained} saw added to its message and details, at the higher of their
   * severities.
   */
  public static Finding withExplained(Finding explaining, Finding explained) {
    Severity severity = explained.severity().compareTo(explaining.severity()) > 0 ? explained.severity()
        : explaining.severity();
    Finding.Builder builder = explaining.toBuilder(severity);
    if (explained.type() == FindingType.SLOW_QUERY) {
      Object millis = explained.details().get("durationMs");
      Object threshold = explained.details().get("thresholdMs");
      builder.message(explaining.message() + " It is also a slow query: " + millis + " ms for one execution "
          + "(threshold " + threshold + " ms), from " + explained.callSite() + ".")
          .detail("slowMs", millis)
          .detail("slowThresholdMs", threshold);
    } else {
      Object sets = explained.details().get("literalSets");
      builder.message(explaining.message() + " Its values are written into the SQL, too (" + sets + " different "
          + "sets so far): the fix binds them with ? markers, so the statement is parsed and planned once.")
          .detail("inlineLiteralSets", sets);
    }
    return builder.build();
  }
}
