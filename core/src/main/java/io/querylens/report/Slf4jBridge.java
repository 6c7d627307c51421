package io.querylens.report;

import io.querylens.finding.Finding;
import io.querylens.finding.Severity;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Logs through the application's own SLF4J, found at run time: querylens is not compiled against it, because in the
 * agent SLF4J lives in a class loader querylens cannot link to (a Spring Boot fat jar's, a web application's). Uses
 * SLF4J 2's fluent API for key-values when it is there, plain {@code warn(String)} otherwise.
 */
final class Slf4jBridge {

  private static final MethodHandles.Lookup LOOKUP = MethodHandles.publicLookup();

  private final MethodHandle getLogger;
  /** {@code isStarted()} of the logging backend when it has one we know (Logback's LoggerContext), else null. */
  private final Object backend;
  private final MethodHandle backendStarted;
  private final MethodHandle[] isEnabled = new MethodHandle[Severity.values().length];
  private final MethodHandle[] log = new MethodHandle[Severity.values().length];
  private final MethodHandle[] at;
  private final MethodHandle addKeyValue;
  private final MethodHandle setMessage;
  private final MethodHandle logEvent;
  private final Map<String, Object> loggers = new ConcurrentHashMap<>();

  private Slf4jBridge(Class<?> loggerFactory, Object iLoggerFactory) throws ReflectiveOperationException {
    ClassLoader loader = loggerFactory.getClassLoader();
    MethodHandle started = null;
    try {
      started = LOOKUP.findVirtual(iLoggerFactory.getClass(), "isStarted", MethodType.methodType(boolean.class));
    } catch (ReflectiveOperationException | RuntimeException unknownBackend) {
      started = null;
    }
    backend = started == null ? null : iLoggerFactory;
    backendStarted = started;
    Class<?> logger = Class.forName("org.slf4j.Logger", false, loader);
    getLogger = LOOKUP.findStatic(loggerFactory, "getLogger", MethodType.methodType(logger, String.class));
    String[] levels = {"Info", "Warn", "Error"};
    for (Severity severity : Severity.values()) {
      String level = levels[severity.ordinal()];
      isEnabled[severity.ordinal()] =
          LOOKUP.findVirtual(logger, "is" + level + "Enabled", MethodType.methodType(boolean.class));
      log[severity.ordinal()] = LOOKUP.findVirtual(logger, level.toLowerCase(java.util.Locale.ROOT),
          MethodType.methodType(void.class, String.class));
    }
    MethodHandle[] fluent = null;
    MethodHandle keyValue = null;
    MethodHandle message = null;
    MethodHandle emit = null;
    try {
      Class<?> builder = Class.forName("org.slf4j.spi.LoggingEventBuilder", false, loader);
      fluent = new MethodHandle[Severity.values().length];
      for (Severity severity : Severity.values()) {
        fluent[severity.ordinal()] =
            LOOKUP.findVirtual(logger, "at" + levels[severity.ordinal()], MethodType.methodType(builder));
      }
      keyValue = LOOKUP.findVirtual(builder, "addKeyValue", MethodType.methodType(builder, String.class,
          Object.class));
      message = LOOKUP.findVirtual(builder, "setMessage", MethodType.methodType(builder, String.class));
      emit = LOOKUP.findVirtual(builder, "log", MethodType.methodType(void.class));
    } catch (ReflectiveOperationException slf4j1) {
      fluent = null;
    }
    at = fluent;
    addKeyValue = keyValue;
    setMessage = message;
    logEvent = emit;
  }

  /** SLF4J answers with a substitute factory while it initialises: ask again later. */
  static final Object NOT_YET = new Object();

  /**
   * A bridge to the SLF4J whose {@code LoggerFactory} is {@code loggerFactory}; null when that SLF4J has no logging
   * backend (its NOP fallback), in which case findings are better on stderr; {@link #NOT_YET} while it is still
   * initialising.
   */
  static Object create(Class<?> loggerFactory) throws ReflectiveOperationException {
    MethodHandle factory = LOOKUP.findStatic(loggerFactory, "getILoggerFactory",
        MethodType.methodType(Class.forName("org.slf4j.ILoggerFactory", false, loggerFactory.getClassLoader())));
    Object iLoggerFactory;
    try {
      iLoggerFactory = factory.invoke();
    } catch (Throwable failed) {
      throw new ReflectiveOperationException("LoggerFactory.getILoggerFactory() failed", failed);
    }
    String name = iLoggerFactory == null ? "" : iLoggerFactory.getClass().getName();
    if (name.contains("SubstituteLoggerFactory")) {
      return NOT_YET;
    }
    if (name.contains("NOPLoggerFactory")) {
      return null;
    }
    return new Slf4jBridge(loggerFactory, iLoggerFactory);
  }

  /**
   * False once the logging backend was stopped. Frameworks stop it in their own shutdown hooks (Spring Boot does),
   * which run at the same time as querylens' summary; what is logged after that is lost, so it goes to stderr.
   */
  boolean isBackendRunning() {
    if (backendStarted == null) {
      return true;
    }
    try {
      return (boolean) backendStarted.invoke(backend);
    } catch (Throwable unknown) {
      return true;
    }
  }

  void log(String loggerName, Severity severity, String text, Finding finding) throws Throwable {
    Object logger = loggers.get(loggerName);
    if (logger == null) {
      logger = getLogger.invoke(loggerName);
      loggers.put(loggerName, logger);
    }
    int level = severity.ordinal();
    if (!(boolean) isEnabled[level].invoke(logger)) {
      return;
    }
    if (at == null || finding == null) {
      log[level].invoke(logger, text);
      return;
    }
    Object event = at[level].invoke(logger);
    event = addKeyValue.invoke(event, "querylens.type", finding.type().name());
    event = addKeyValue.invoke(event, "querylens.sql", finding.sql());
    event = addKeyValue.invoke(event, "querylens.tables", String.join(",", finding.tables()));
    event = addKeyValue.invoke(event, "querylens.callSite", finding.callSite());
    event = addKeyValue.invoke(event, "querylens.count", finding.count());
    event = setMessage.invoke(event, text);
    logEvent.invoke(event);
  }

  static List<String> keyNames() {
    return List.of("querylens.type", "querylens.sql", "querylens.tables", "querylens.callSite", "querylens.count");
  }
}
