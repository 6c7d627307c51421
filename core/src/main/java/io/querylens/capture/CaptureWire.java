package io.querylens.capture;

import io.querylens.sql.StatementKind;
import java.time.Duration;

/** A {@link CapturedStatement} as an {@code Object[]} of {@code java.base} values, to cross the capture bridge. */
final class CaptureWire {

  private CaptureWire() {}

  static Object[] encode(CapturedStatement statement) {
    return new Object[] {statement.sql(), statement.kind().name(), statement.duration().toNanos(), statement.batch(),
        statement.batchSize(), statement.setBased(), statement.failed(), statement.threadName(), statement.callSite(),
        statement.valueHash(), statement.inlineLiterals(), statement.leadingWildcard()};
  }

  static CapturedStatement decode(Object[] fields) {
    StatementKind kind;
    try {
      kind = StatementKind.valueOf((String) fields[1]);
    } catch (IllegalArgumentException newerAgent) {
      kind = StatementKind.OTHER;
    }
    return new CapturedStatement((String) fields[0], kind, Duration.ofNanos((Long) fields[2]), (Boolean) fields[3],
        (Integer) fields[4], (Boolean) fields[5], (Boolean) fields[6], (String) fields[7], (String) fields[8],
        (Long) fields[9], (Boolean) fields[10], (Boolean) fields[11]);
  }
}
