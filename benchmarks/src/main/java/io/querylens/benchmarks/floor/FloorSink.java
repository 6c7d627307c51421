package io.querylens.benchmarks.floor;

/** Where the floor agent's advice puts its measurements, so that the JIT cannot drop them. */
public final class FloorSink {

  /** Time measured inside {@code execute*}; racy on purpose, like the cheapest real agent would be. */
  public static long nanos;

  private FloorSink() {}
}
