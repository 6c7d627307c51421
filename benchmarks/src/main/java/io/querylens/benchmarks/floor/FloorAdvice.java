package io.querylens.benchmarks.floor;

import net.bytebuddy.asm.Advice;

/** Inlined into {@code execute*}: two {@code nanoTime} calls and one static add. */
public final class FloorAdvice {

  private FloorAdvice() {}

  @Advice.OnMethodEnter
  public static long enter() {
    return System.nanoTime();
  }

  @Advice.OnMethodExit(onThrowable = Throwable.class)
  public static void exit(@Advice.Enter long start) {
    FloorSink.nanos += System.nanoTime() - start;
  }
}
