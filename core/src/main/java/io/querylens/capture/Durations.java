package io.querylens.capture;

import java.time.Duration;
import java.util.Locale;

/** Durations as failure messages show them: {@code 0.42 ms}, {@code 12 ms}, {@code 1.5 s}. */
final class Durations {

  private Durations() {}

  static String text(Duration duration) {
    long nanos = duration.toNanos();
    if (nanos < 10_000_000L) {
      return String.format(Locale.ROOT, "%.2f ms", nanos / 1e6);
    }
    if (nanos < 10_000_000_000L) {
      return String.format(Locale.ROOT, "%d ms", nanos / 1_000_000L);
    }
    return String.format(Locale.ROOT, "%.1f s", nanos / 1e9);
  }
}
