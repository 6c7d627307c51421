package io.querylens.bootstrap;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * The static entry points that Byte Buddy advice, inlined into JDBC drivers, pools and servlets, calls.
 *
 * <p>The agent appends this package to the bootstrap class path so that advice inlined into classes of any class
 * loader (Spring Boot's launched loader, a web application's loader, an isolated test loader) resolves the same
 * class. Only {@code java.base} types may appear here. Every method delegates to the installed {@link HookListener};
 * a plain volatile read keeps the path lock-free. Only opening a capture or a unit of work may wait: for querylens'
 * start, while the agent runs it beside the application (see {@link #startPending()}).
 */
public final class Hooks {

  private static volatile HookListener listener = HookListener.NO_OP;
  private static volatile CaptureBridge captures;
  /** Set while the agent starts querylens off the application's main thread; see {@link #startPending()}. */
  private static volatile CountDownLatch starting;

  private static final long MAX_START_WAIT_SECONDS = 30;

  private Hooks() {}

  /**
   * Says that querylens is being started on another thread: until {@link #startEnded()}, opening a capture or a unit
   * of work waits for it (at most 30 s) rather than finding no querylens. Statements need no wait: nothing is
   * instrumented before the start has ended.
   */
  public static void startPending() {
    starting = new CountDownLatch(1);
  }

  /** Ends the wait {@link #startPending()} began, whether querylens started or not. */
  public static void startEnded() {
    CountDownLatch latch = starting;
    if (latch != null) {
      latch.countDown();
      starting = null;
    }
  }

  private static void awaitStart() {
    CountDownLatch latch = starting;
    if (latch != null) {
      try {
        if (!latch.await(MAX_START_WAIT_SECONDS, TimeUnit.SECONDS)) {
          starting = null; // a start that hangs is waited for once, not by every later capture
        }
      } catch (InterruptedException interrupted) {
        Thread.currentThread().interrupt();
      }
    }
  }

  /** Installs the listener that receives every hook from now on. */
  public static void install(HookListener newListener) {
    listener = newListener == null ? HookListener.NO_OP : newListener;
  }

  /** Installs where captures are opened (by the running querylens); null removes it. */
  public static void installCaptureBridge(CaptureBridge bridge) {
    captures = bridge;
  }

  /** The installed capture bridge, or null. */
  public static CaptureBridge captureBridge() {
    return captures;
  }

  /** See {@link CaptureBridge#open}; null when no querylens runs. */
  public static Object openCapture(String name, boolean allThreads) {
    awaitStart();
    CaptureBridge bridge = captures;
    return bridge == null ? null : bridge.open(name, allThreads);
  }

  /** See {@link CaptureBridge#state}. */
  public static Object[] captureState(Object capture) {
    CaptureBridge bridge = captures;
    return bridge == null ? null : bridge.state(capture);
  }

  /** See {@link CaptureBridge#close}. */
  public static void closeCapture(Object capture) {
    CaptureBridge bridge = captures;
    if (bridge != null) {
      bridge.close(capture);
    }
  }

  /** The installed listener, {@link HookListener#NO_OP} when none is. */
  public static HookListener listener() {
    return listener;
  }

  public static Object beforeExecute(Object statement, String sql) {
    return listener.beforeExecute(statement, sql);
  }

  public static void afterExecute(Object scope, Throwable thrown) {
    if (scope != null) {
      listener.afterExecute(scope, thrown);
    }
  }

  public static Object beforeBatch(Object statement) {
    return listener.beforeBatch(statement);
  }

  public static void afterBatch(Object scope, Throwable thrown, Object result) {
    if (scope != null) {
      listener.afterBatch(scope, thrown, result);
    }
  }

  public static void onAddBatch(Object statement, String sql) {
    listener.onAddBatch(statement, sql);
  }

  public static void onClearBatch(Object statement) {
    listener.onClearBatch(statement);
  }

  public static void onPrepared(Object statement, String sql) {
    if (statement != null) {
      listener.onPrepared(statement, sql);
    }
  }

  public static void onBindLong(Object statement, int index, long value) {
    listener.onBindLong(statement, index, value);
  }

  public static void onBindDouble(Object statement, int index, double value) {
    listener.onBindDouble(statement, index, value);
  }

  public static void onBindObject(Object statement, int index, Object value) {
    listener.onBindObject(statement, index, value);
  }

  public static void onClearParameters(Object statement) {
    listener.onClearParameters(statement);
  }

  public static void onStatementClosed(Object statement) {
    listener.onStatementClosed(statement);
  }

  public static void onAutoCommit(Object connection, boolean autoCommit) {
    listener.onAutoCommit(connection, autoCommit);
  }

  public static void onCommit(Object connection) {
    listener.onCommit(connection);
  }

  public static void onRollback(Object connection) {
    listener.onRollback(connection);
  }

  /** Returns a token for {@link #afterConnectionClosed}, or null when there is nothing to end. */
  public static Object onConnectionClosed(Object connection) {
    return listener.onConnectionClosed(connection);
  }

  public static void afterConnectionClosed(Object token) {
    listener.afterConnectionClosed(token);
  }

  public static Object beforeGetConnection(Object source) {
    return listener.beforeGetConnection(source);
  }

  /** The calling thread is querylens' own: what it runs is not recorded. */
  public static void suppressCurrentThread() {
    listener.suppressCurrentThread();
  }

  public static Object beforeGetConnectionWithCredentials(Object source) {
    return listener.beforeGetConnectionWithCredentials(source);
  }

  public static Object beforeConnect(Object driver, String url, java.util.Properties info) {
    return listener.beforeConnect(driver, url, info);
  }

  public static void afterGetConnection(Object scope, Object source, Object connection, Throwable thrown) {
    if (scope != null) {
      listener.afterGetConnection(scope, source, connection, thrown);
    }
  }

  public static Object beginUnit(String kind, String name) {
    awaitStart();
    return listener.beginUnit(kind, name);
  }

  public static Object beginRequest(String method, String uri) {
    return listener.beginRequest(method, uri);
  }

  public static void endUnit(Object scope) {
    if (scope != null) {
      listener.endUnit(scope);
    }
  }

  /**
   * Ends a servlet request; {@code route} is the request attribute in which the web framework left the route template
   * it matched (Spring MVC's {@code HandlerMapping.bestMatchingPattern}: a string or a {@code PathPattern}), or null.
   */
  public static void endRequest(Object scope, String contextPath, Object route) {
    if (scope != null) {
      listener.endRequest(scope, contextPath, route == null ? null : route.toString());
    }
  }

  public static void onLoggerFactoryReady(Class<?> loggerFactory) {
    listener.onLoggerFactoryReady(loggerFactory);
  }

  /**
   * Called by the advice exception handler with the throwable an advice method raised. Must not throw: it runs inside
   * the application's JDBC call.
   */
  public static void onAdviceError(Throwable error) {
    try {
      listener.onAdviceError(error);
    } catch (Throwable ignored) {
      // Nothing sensible is left to do; the instrumented method carries on unchanged.
    }
  }
}
