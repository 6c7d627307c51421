package io.querylens.internal;

import java.io.PrintStream;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * querylens' own health: counts internal errors and dropped work by kind, and says each kind once on stderr.
 *
 * <p>Agent diagnostics never go to the application's logging: it may not be initialised, and querylens' troubles are
 * not the application's. Every method is safe to call from any thread and never throws.
 */
public final class Diagnostics {

  /** Prefix of every line querylens writes to stderr. */
  public static final String PREFIX = "[querylens] ";

  private static final int MAX_KINDS = 256;

  private static volatile PrintStream out = System.err;

  private static final ConcurrentHashMap<String, LongAdder> ERRORS = new ConcurrentHashMap<>();
  private static final ConcurrentHashMap<String, LongAdder> DROPS = new ConcurrentHashMap<>();

  private Diagnostics() {}

  /** Redirects diagnostic lines (tests). */
  public static void redirect(PrintStream stream) {
    out = stream == null ? System.err : stream;
  }

  /** Writes one line to stderr. */
  public static void say(String line) {
    try {
      out.println(PREFIX + line);
    } catch (Throwable ignored) {
      // stderr closed: nowhere left to say it.
    }
  }

  /**
   * Counts an internal error of {@code kind}; the first of each kind is written to stderr with its cause.
   *
   * @param kind a short stable description of where it happened, e.g. {@code "n-plus-one detector"}
   */
  public static void error(String kind, Throwable error) {
    try {
      if (count(ERRORS, kind)) {
        say("internal error in " + kind + " (said once; further ones are counted): " + describe(error));
      }
    } catch (Throwable ignored) {
      // Never let diagnostics hurt the host.
    }
  }

  /** Counts dropped work of {@code kind}; the first drop of each kind is said once with {@code why}. */
  public static void dropped(String kind, String why) {
    try {
      if (count(DROPS, kind)) {
        say("dropping " + kind + ": " + why + " (said once; further drops are counted)");
      }
    } catch (Throwable ignored) {
      // Never let diagnostics hurt the host.
    }
  }

  /** Internal error counts by kind, sorted. */
  public static Map<String, Long> errorCounts() {
    return snapshot(ERRORS);
  }

  /** Drop counts by kind, sorted. */
  public static Map<String, Long> dropCounts() {
    return snapshot(DROPS);
  }

  /** Total internal errors. */
  public static long totalErrors() {
    return ERRORS.values().stream().mapToLong(LongAdder::sum).sum();
  }

  /** Forgets all counts (tests). */
  public static void reset() {
    ERRORS.clear();
    DROPS.clear();
  }

  /** One line: the throwable's class, message and the frame it came from. */
  public static String describe(Throwable error) {
    if (error == null) {
      return "(no details)";
    }
    StringBuilder text = new StringBuilder(error.getClass().getName());
    if (error.getMessage() != null) {
      text.append(": ").append(oneLine(error.getMessage(), 300));
    }
    StackTraceElement[] trace = error.getStackTrace();
    if (trace.length > 0) {
      text.append(" at ").append(trace[0]);
    }
    return text.toString();
  }

  /** {@code text} on one line, at most {@code max} characters. */
  public static String oneLine(String text, int max) {
    String flat = text.replace('\n', ' ').replace('\r', ' ');
    return flat.length() <= max ? flat : flat.substring(0, max) + "...";
  }

  /** Returns true the first time {@code kind} is counted. */
  private static boolean count(ConcurrentHashMap<String, LongAdder> counts, String kind) {
    LongAdder adder = counts.get(kind);
    if (adder == null) {
      if (counts.size() >= MAX_KINDS) {
        kind = "other";
      }
      LongAdder created = new LongAdder();
      adder = counts.putIfAbsent(kind, created);
      if (adder == null) {
        created.increment();
        return true;
      }
    }
    adder.increment();
    return false;
  }

  private static Map<String, Long> snapshot(ConcurrentHashMap<String, LongAdder> counts) {
    Map<String, Long> result = new TreeMap<>();
    counts.forEach((kind, adder) -> result.put(kind, adder.sum()));
    return result;
  }
}
