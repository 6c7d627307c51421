package io.querylens.capture;

import io.querylens.sql.StatementKind;
import java.time.Duration;

/** A {@link CapturedStatement} as an {@code Object[]} of {@code java.base} values, to cross the capture bridge. */
final class CaptureWire {

  private CaptureWire() {}

  static Object[] encode(CapturedStatement statement) {
    return new Object[] {statement.sql(), statement.kind().name(), statement.duration().toNanos(), statement.batch(),
        statement.batchSize(), statement.setBased(), statement.failed(), statement.threadName(), statement.callSite(),
        statement.valuesId(), statement.inlineLiterals(), statement.leadingWildcard(), statement.rows()};
  }

  /** Fields an agent must send at least; {@code rows}, the 13th, came later and reads as unknown when missing. */
  static final int FIELDS = 12;

  static CapturedStatement decode(Object[] fields) {
    if (fields.length < FIELDS) {
      throw new IllegalStateException("the querylens agent in this JVM sends captured statements this querylens-core"
          + " can't read (" + fields.length + " fields, expected " + FIELDS + "): use the same querylens version for"
          + " both");
    }
    StatementKind kind;
    try {
      kind = StatementKind.valueOf((String) fields[1]);
    } catch (IllegalArgumentException newerAgent) {
      kind = StatementKind.OTHER;
    }
    return new CapturedStatement((String) fields[0], kind, Duration.ofNanos((Long) fields[2]), (Boolean) fields[3],
        (Integer) fields[4], (Boolean) fields[5], (Boolean) fields[6], (String) fields[7], (String) fields[8],
        (Integer) fields[9], (Boolean) fields[10], (Boolean) fields[11],
        fields.length > 12 && fields[12] instanceof Long rows ? rows : -1L);
  }
}
