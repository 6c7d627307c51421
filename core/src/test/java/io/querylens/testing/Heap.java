package io.querylens.testing;

import java.lang.management.ManagementFactory;
import java.util.function.BooleanSupplier;

/** Garbage collection for tests: the heap once settled, and collecting until something is gone. */
public final class Heap {

  private Heap() {}

  /** The least heap in use over five collections 100 ms apart: what is really kept. */
  public static long settled() throws InterruptedException {
    long used = Long.MAX_VALUE;
    for (int i = 0; i < 5; i++) {
      System.gc();
      Thread.sleep(100);
      used = Math.min(used, ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed());
    }
    return used;
  }

  /**
   * Collects garbage until {@code gone} says so, at most {@code most} times (10 ms apart for the first 20, then
   * 50 ms); returns how many collections it took.
   */
  public static int collectUntil(BooleanSupplier gone, int most) throws InterruptedException {
    int collections = 0;
    while (!gone.getAsBoolean() && collections < most) {
      System.gc();
      collections++;
      Thread.sleep(collections < 20 ? 10 : 50);
    }
    return collections;
  }
}
