package io.querylens.agent;

import io.querylens.internal.Diagnostics;
import java.lang.instrument.ClassFileTransformer;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;

/**
 * What classes are instrumented with, set up on a thread of its own ({@code querylens-instrumentation-setup}) while the
 * application starts: querylens' core started, the cache of instrumented classes opened (when one is set), and Byte
 * Buddy's transformer built (about 100 and 350 ms of loading, linking and first runs of their classes that are not
 * spent before the application's {@code main}). A class to instrument that arrives before the set-up has ended waits
 * for it, at most 30 s; only an application that loads a JDBC class in its first few hundred milliseconds does.
 *
 * <p>When the cache holds the classes of an earlier run, Byte Buddy's transformer is built only once a class is
 * missing from it, on a thread of its own again ({@code querylens-instrumentation-build}), the classes that need it
 * waiting for it as they would for the set-up.
 */
final class TransformerSetup {

  private static final long MAX_WAIT_SECONDS = 30;

  /** What a set-up returns to have the transformer built only when a class first needs it. */
  static final ClassFileTransformer ON_DEMAND = new ClassFileTransformer() {};

  private final Supplier<ClassFileTransformer> onDemand;
  private final CountDownLatch setUp = new CountDownLatch(1);
  private final CountDownLatch builtOnDemand = new CountDownLatch(1);
  private final AtomicBoolean buildStarted = new AtomicBoolean();
  private final AtomicBoolean toldNotReady = new AtomicBoolean();
  private volatile ClassFileTransformer transformer;
  private volatile InstrumentedClassCache cache;
  private volatile Thread setUpThread;
  private volatile Thread buildThread;

  /** @param onDemand builds the transformer when the set-up returned {@link #ON_DEMAND} */
  TransformerSetup(Supplier<ClassFileTransformer> onDemand) {
    this.onDemand = onDemand;
  }

  /**
   * Runs the set-up on a new daemon thread: {@code setUp} returns the transformer (null: nothing is instrumented;
   * {@link #ON_DEMAND}: built when first needed); {@code then} runs on that thread once classes no longer wait.
   */
  void setUpInBackground(Supplier<ClassFileTransformer> setUp, Runnable then) {
    setUpThread = thread("querylens-instrumentation-setup", setUp, this.setUp, then);
    setUpThread.start();
  }

  /**
   * A daemon thread, not started (so that it is known before it loads anything), that sets {@link #transformer} to
   * what {@code build} returns (null if it fails, said once), counts {@code done} down, then runs {@code then}.
   */
  private Thread thread(String name, Supplier<ClassFileTransformer> build, CountDownLatch done, Runnable then) {
    Thread thread = new Thread(() -> {
      try {
        transformer = build.get();
      } catch (Throwable failed) {
        transformer = null;
        Diagnostics.error("setting up the instrumentation (JDBC is not watched)", failed);
      } finally {
        done.countDown();
      }
      try {
        then.run();
      } catch (Throwable ignored) {
        // housekeeping only
      }
    }, name);
    thread.setDaemon(true);
    return thread;
  }

  /** Called by the set-up, before it ends: the instrumented classes of earlier runs. */
  void useCache(InstrumentedClassCache openedCache) {
    cache = openedCache;
  }

  /**
   * Whether {@code thread} sets up or builds: the classes it loads (querylens' and Byte Buddy's, never the
   * application's JDBC or SLF4J classes) are not instrumented.
   */
  boolean isBuilding(Thread thread) {
    return thread == setUpThread || thread == buildThread;
  }

  /**
   * Waits for the set-up to end (at most 30 s): true if classes are to be instrumented (querylens started), false if
   * not, or if the wait was too long or interrupted.
   *
   * @param className the class that waits, named if the wait is too long
   */
  boolean awaitSetUp(String className) {
    return await(setUp, className) && transformer != null;
  }

  /** The cache of instrumented classes, or null; once {@link #awaitSetUp} has returned true. */
  InstrumentedClassCache cache() {
    return cache;
  }

  /**
   * Byte Buddy's transformer, once set up (and built, when that waited for a class to need it), or null if it could
   * not be or the wait was too long.
   */
  ClassFileTransformer await(String className) {
    if (!awaitSetUp(className)) {
      return null;
    }
    ClassFileTransformer ready = transformer;
    if (ready != ON_DEMAND) {
      return ready;
    }
    if (buildStarted.compareAndSet(false, true)) {
      buildThread = thread("querylens-instrumentation-build", onDemand, builtOnDemand, () -> { });
      buildThread.start();
    }
    if (!await(builtOnDemand, className)) {
      return null;
    }
    ready = transformer;
    return ready == ON_DEMAND ? null : ready;
  }

  private boolean await(CountDownLatch latch, String className) {
    if (latch.getCount() == 0) {
      return true;
    }
    try {
      if (latch.await(MAX_WAIT_SECONDS, TimeUnit.SECONDS)) {
        return true;
      }
      if (toldNotReady.compareAndSet(false, true)) {
        Diagnostics.say("the instrumentation was not ready after " + MAX_WAIT_SECONDS + " s; "
            + className.replace('/', '.') + " and other classes loaded meanwhile are not watched");
      }
      return false;
    } catch (InterruptedException interrupted) {
      Thread.currentThread().interrupt();
      return false;
    }
  }
}
