package io.querylens.agent;

import io.querylens.internal.Diagnostics;
import java.lang.instrument.ClassFileTransformer;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;

/**
 * Byte Buddy's transformer, built on a thread of its own ({@code querylens-instrumentation-setup}) while the
 * application starts, after querylens' core has started there: about 100 and 350 ms of loading, linking and first runs
 * of their classes that are not spent before the application's {@code main}. A class to instrument that arrives
 * before it is built waits for it; only an application that loads a JDBC class in its first few hundred milliseconds
 * does, and no longer than querylens took before.
 */
final class TransformerSetup {

  private static final long MAX_WAIT_SECONDS = 30;

  /**
   * What a build returns to have the transformer built only when a class first needs it (on that class's thread):
   * when the classes to instrument were kept from an earlier run, it may never be.
   */
  static final ClassFileTransformer ON_DEMAND = new ClassFileTransformer() {};

  private final Supplier<ClassFileTransformer> onDemand;
  private final CountDownLatch built = new CountDownLatch(1);
  private final AtomicBoolean toldNotReady = new AtomicBoolean();
  private volatile ClassFileTransformer transformer;
  private volatile Thread builder;

  /** @param onDemand builds the transformer when the background build returned {@link #ON_DEMAND} */
  TransformerSetup(Supplier<ClassFileTransformer> onDemand) {
    this.onDemand = onDemand;
  }

  /**
   * Builds the transformer on a new daemon thread (null from {@code build}: nothing is instrumented; {@link #ON_DEMAND}:
   * built when first needed).
   */
  void buildInBackground(Supplier<ClassFileTransformer> build) {
    Thread thread = new Thread(() -> {
      try {
        transformer = build.get();
      } catch (Throwable failed) {
        Diagnostics.error("setting up the instrumentation (JDBC is not watched)", failed);
      } finally {
        built.countDown();
      }
    }, "querylens-instrumentation-setup");
    thread.setDaemon(true);
    builder = thread;
    thread.start();
  }

  /**
   * Whether {@code thread} is the one building: the classes it loads (querylens' and Byte Buddy's, never the
   * application's JDBC or SLF4J classes) are not instrumented.
   */
  boolean isBuilding(Thread thread) {
    return thread == builder;
  }

  /**
   * The transformer, once built (waiting for it if need be, at most 30 s), or null if it could not be.
   *
   * @param className the class that waits, named if the wait is too long
   */
  ClassFileTransformer await(String className) {
    if (built.getCount() != 0) {
      try {
        if (!built.await(MAX_WAIT_SECONDS, TimeUnit.SECONDS) && toldNotReady.compareAndSet(false, true)) {
          Diagnostics.say("the instrumentation was not ready after " + MAX_WAIT_SECONDS + " s; "
              + className.replace('/', '.') + " and other classes loaded meanwhile are not watched");
        }
      } catch (InterruptedException interrupted) {
        Thread.currentThread().interrupt();
        return null;
      }
    }
    ClassFileTransformer ready = transformer;
    return ready == ON_DEMAND ? buildNow() : ready;
  }

  private synchronized ClassFileTransformer buildNow() {
    if (transformer == ON_DEMAND) {
      try {
        transformer = onDemand.get();
      } catch (Throwable failed) {
        transformer = null;
        Diagnostics.error("setting up the instrumentation (JDBC is not watched)", failed);
      }
    }
    return transformer;
  }
}
