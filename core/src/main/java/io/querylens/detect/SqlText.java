package io.querylens.detect;

/** Formatting shared by detectors' messages. */
public final class SqlText {

  private static final int MAX_IN_MESSAGE = 200;
  private static final int LONG_SELECT = 120;

  private SqlText() {}

  /**
   * A shape short enough for a log line: a long select list becomes {@code select ...}, and anything still too long is
   * cut. The full shape stays in the finding's {@code sql} field.
   */
  public static String abbreviate(String shape) {
    String text = shape;
    if (text.length() > LONG_SELECT && text.startsWith("select ")) {
      int from = topLevelFrom(text);
      if (from > 0) {
        text = "select ..." + text.substring(from);
      }
    }
    return text.length() <= MAX_IN_MESSAGE ? text : text.substring(0, MAX_IN_MESSAGE) + " ...";
  }

  /** Milliseconds with sensible precision: {@code 0.4 ms}, {@code 38 ms}, {@code 1,340 ms}. */
  public static String millis(long nanos) {
    double ms = nanos / 1_000_000.0;
    if (ms < 10) {
      return String.format(java.util.Locale.ROOT, "%.1f ms", ms);
    }
    return String.format(java.util.Locale.ROOT, "%,d ms", Math.round(ms));
  }

  /** A longer span: {@code 300 ms}, {@code 2.4 s}, {@code 47 s}. */
  public static String span(long nanos) {
    double seconds = nanos / 1_000_000_000.0;
    if (seconds < 1) {
      return String.format(java.util.Locale.ROOT, "%d ms", Math.round(seconds * 1000));
    }
    return seconds < 10 ? String.format(java.util.Locale.ROOT, "%.1f s", seconds)
        : String.format(java.util.Locale.ROOT, "%,d s", Math.round(seconds));
  }

  /** Milliseconds as a number for JSON, two decimals. */
  public static double millisValue(long nanos) {
    return Math.round(nanos / 10_000.0) / 100.0;
  }

  /** The index of the space before the first {@code from} at parenthesis depth 0, or -1. */
  private static int topLevelFrom(String text) {
    int depth = 0;
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c == '(') {
        depth++;
      } else if (c == ')') {
        depth--;
      } else if (depth == 0 && c == ' ' && text.startsWith(" from ", i)) {
        return i;
      }
    }
    return -1;
  }
}
