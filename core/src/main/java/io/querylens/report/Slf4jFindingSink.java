package io.querylens.report;

import io.querylens.finding.Finding;
import io.querylens.internal.Diagnostics;
import java.util.ArrayDeque;

/**
 * Logs findings through the application's SLF4J, under logger names {@code querylens.<detector id>}, so they follow
 * the application's appenders, levels and format.
 *
 * <p>In the agent, querylens must not initialise the application's logging before the application does: findings
 * wait in a bounded buffer until the application's {@code LoggerFactory} has been initialised (the agent reports
 * that), then go out in order. With no SLF4J on the system class path and none initialised, or when SLF4J has no
 * backend, or after waiting {@link #MAX_WAIT_MILLIS} in vain, findings go to stderr instead. At shutdown whatever is
 * still waiting goes to stderr.
 */
public final class Slf4jFindingSink implements FindingSink {

  static final long MAX_WAIT_MILLIS = 30_000;
  private static final int MAX_BUFFERED = 1_000;

  private final boolean waitForApplication;
  private final StderrFindingSink stderr = new StderrFindingSink();
  private final ArrayDeque<Object> buffered = new ArrayDeque<>();
  private volatile Class<?> applicationLoggerFactory;
  private Slf4jBridge bridge;
  private boolean useStderr;
  private long waitingSince;

  /**
   * @param waitForApplication true in the agent (wait to be told the application's SLF4J is up); false when querylens
   *     runs as a library inside the application (use the SLF4J visible to querylens right away)
   */
  public Slf4jFindingSink(boolean waitForApplication) {
    this.waitForApplication = waitForApplication;
  }

  /** The application's SLF4J has initialised. Called on an application thread: only records it. */
  public void onLoggerFactoryReady(Class<?> loggerFactory) {
    if (applicationLoggerFactory == null) {
      applicationLoggerFactory = loggerFactory;
    }
  }

  @Override
  public void accept(Finding finding) {
    emit(finding);
  }

  /** A line that is no finding, in order with the findings (it waits for the application's logging like them). */
  private record Note(String logger, String text) {}

  @Override
  public void note(String logger, String text) {
    emit(new Note(logger, text));
  }

  /**
   * The summary is written when the JVM exits, while frameworks stop the application's logging in their own shutdown
   * hooks (Spring Boot stops Logback; Logback's reset drops events before it reports itself stopped), so it goes to
   * stderr, where it cannot be lost. Findings still waiting go out first.
   */
  @Override
  public void summary(RunSummary summary) {
    close();
    stderr.summary(summary);
  }

  /** Flushes waiting findings once the application's logging is up, or to stderr after waiting too long. */
  public void tick(long nowMillis) {
    if (buffered.isEmpty()) {
      return;
    }
    if (connect() || useStderr) {
      // Connected, or found that SLF4J is absent or has no backend: either way what waits goes out now, in order.
      flush();
    } else if (nowMillis - waitingSince > MAX_WAIT_MILLIS) {
      Diagnostics.say("the application's SLF4J did not start within " + MAX_WAIT_MILLIS / 1000
          + " s; findings go to stderr");
      useStderr = true;
      flush();
    }
  }

  @Override
  public void close() {
    if (!buffered.isEmpty()) {
      if (!connect()) {
        useStderr = true;
      }
      flush();
    }
  }

  private void emit(Object item) {
    if (!buffered.isEmpty() || !connect()) {
      if (useStderr) {
        write(item);
        return;
      }
      if (buffered.isEmpty()) {
        waitingSince = System.currentTimeMillis();
      }
      if (buffered.size() >= MAX_BUFFERED) {
        Diagnostics.dropped("findings waiting for the application's logging", "more than " + MAX_BUFFERED
            + " waiting; further ones go to stderr");
        stderrWrite(item);
        return;
      }
      buffered.add(item);
      return;
    }
    write(item);
  }

  /** True when findings can go to SLF4J now; may switch to stderr when SLF4J is absent or has no backend. */
  private boolean connect() {
    if (bridge != null) {
      return true;
    }
    if (useStderr) {
      return false;
    }
    Class<?> factory = applicationLoggerFactory;
    if (factory == null) {
      if (waitForApplication) {
        if (!onSystemClassPath()) {
          useStderr = true;
        }
        return false;
      }
      try {
        factory = Class.forName("org.slf4j.LoggerFactory", true, Slf4jFindingSink.class.getClassLoader());
      } catch (ClassNotFoundException | LinkageError absent) {
        useStderr = true;
        return false;
      }
    }
    try {
      Object created = Slf4jBridge.create(factory);
      if (created == Slf4jBridge.NOT_YET) {
        return false;
      }
      if (created == null) {
        useStderr = true;
        return false;
      }
      bridge = (Slf4jBridge) created;
      return true;
    } catch (ReflectiveOperationException | RuntimeException | LinkageError unusable) {
      Diagnostics.error("logging to SLF4J", unusable);
      useStderr = true;
      return false;
    }
  }

  private static boolean onSystemClassPath() {
    try {
      Class.forName("org.slf4j.LoggerFactory", false, ClassLoader.getSystemClassLoader());
      return true;
    } catch (ClassNotFoundException | LinkageError absent) {
      return false;
    }
  }

  private void flush() {
    Object item;
    while ((item = buffered.poll()) != null) {
      write(item);
    }
  }

  private void write(Object item) {
    if (bridge == null || !bridge.isBackendRunning()) {
      stderrWrite(item);
      return;
    }
    try {
      if (item instanceof Finding finding) {
        bridge.log("querylens." + finding.detectorId(), finding.severity(), text(finding), finding);
      } else if (item instanceof Note note) {
        bridge.log(note.logger(), io.querylens.finding.Severity.INFO, note.text(), null);
      }
      if (!bridge.isBackendRunning()) {
        // Stopped while we logged (a shutdown hook racing this one): the line may be lost, so say it here too.
        stderrWrite(item);
      }
    } catch (Throwable failed) {
      Diagnostics.error("logging to SLF4J", failed);
      stderrWrite(item);
    }
  }

  private void stderrWrite(Object item) {
    if (item instanceof Finding finding) {
      stderr.accept(finding);
    } else if (item instanceof Note note) {
      stderr.note(note.logger(), note.text());
    }
  }

  /** The logged text of a finding: what happened, then how to fix it. */
  static String text(Finding finding) {
    return finding.suggestion().isEmpty() ? finding.message() : finding.message() + " " + finding.suggestion();
  }
}
