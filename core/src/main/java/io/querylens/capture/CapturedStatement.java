package io.querylens.capture;

import io.querylens.detect.SqlText;
import io.querylens.sql.StatementKind;
import java.time.Duration;

/**
 * One statement a {@link QueryCapture} saw. Holds no bind value or literal: {@code sql} is the normalized shape, and
 * values are known only by a hash, enough to tell the same values from different ones.
 *
 * @param sql the normalized statement shape ({@code select ... where id = ?})
 * @param kind select, insert, update, delete, ...
 * @param duration how long the JDBC call took
 * @param batch whether it was an {@code executeBatch}
 * @param batchSize rows in the batch (0 for a single execution)
 * @param setBased whether it read a set of keys at once ({@code in (?, ?, ...)}, {@code = any(?)})
 * @param failed whether the call threw
 * @param threadName the thread that ran it
 * @param callSite the first application frame, {@code com.example.Service.method(Service.java:42)}
 * @param valuesId which values it ran with, as a number given by the capture: two statements of one shape with the same
 *     id ran with the same bind values and literals (0 for batches and set reads). Not derived from the values, so
 *     it tells nothing about them
 * @param inlineLiterals whether its SQL carried literal values instead of bind parameters
 * @param leadingWildcard whether it filters with {@code LIKE '%...'} (a literal or a bound value starting with % or _)
 * @param rows the rows a query returned, read from the driver's result set (H2, PostgreSQL); -1 when not known (other
 *     drivers, statements that are not queries)
 */
public record CapturedStatement(
    String sql,
    StatementKind kind,
    Duration duration,
    boolean batch,
    int batchSize,
    boolean setBased,
    boolean failed,
    String threadName,
    String callSite,
    int valuesId,
    boolean inlineLiterals,
    boolean leadingWildcard,
    long rows) {

  /**
   * One line for a failure message: {@code insert into t (a) values (?) [batch of 50] 3 ms at Service.m(...)}, with
   * {@code (20,000 rows)} at the end for a query whose rows are known.
   */
  public String describe() {
    StringBuilder text = new StringBuilder(sql);
    if (batch) {
      text.append(" [batch of ").append(batchSize).append(']');
    }
    text.append(' ').append(SqlText.millis(duration.toNanos()));
    if (callSite != null) {
      text.append(" at ").append(callSite);
    }
    if (rows >= 0) {
      text.append(String.format(java.util.Locale.ROOT, " (%,d %s)", rows, rows == 1 ? "row" : "rows"));
    }
    return text.toString();
  }
}
