package io.querylens.telemetry;

import io.querylens.detect.Detection;
import io.querylens.internal.Diagnostics;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.ref.WeakReference;
import java.util.Map;
import java.util.WeakHashMap;

/**
 * Puts each detection on the OpenTelemetry span current on the thread that made it, as an event named
 * {@value #EVENT} with the finding's type, severity, statement shape and call site, so that the problem shows on the
 * trace in the team's own tracing backend. Done on the application's thread when the detection is made (the request's
 * span is still open then); detections made on querylens' own threads (pools, leaks, missing indexes) have no span.
 *
 * <p>OpenTelemetry is found at run time, as the application has it: its API in the thread's context class loader (with
 * an SDK, or bridged by the OpenTelemetry Java agent), else the OpenTelemetry Java agent's own API in the bootstrap
 * class loader. querylens is not compiled against either. Nothing happens per statement: only detections, which are
 * few, look for a span.
 */
public final class SpanEvents {

  public static final String EVENT = "querylens.finding";
  static final String API = "io.opentelemetry.api.";
  static final String AGENT_API = "io.opentelemetry.javaagent.shaded.io.opentelemetry.api.";
  private static final int MAX_SQL = 2_000;
  private static final int MAX_LOADERS = 64;
  private static final MethodHandles.Lookup LOOKUP = MethodHandles.publicLookup();
  private static final Tracing NONE = new Tracing(null, null, null, null, null, null, null, null);

  /**
   * Per class loader, the OpenTelemetry it sees: {@link #NONE}, or its {@code Span} class, held weakly (its loader keeps
   * it while it lives), whose API is in {@link #BY_SPAN_TYPE}. Not the API itself: found in a web application's own
   * OpenTelemetry, it holds method handles of that application's classes, hence its class loader, and a value that
   * reaches its weak key keeps the entry, and the undeployed application with it, for good.
   */
  private final Map<ClassLoader, Object> byLoader = new WeakHashMap<>();

  /** The API of each OpenTelemetry {@code Span} class, kept by that class: by its class loader, and no longer. */
  private static final ClassValue<Tracing> BY_SPAN_TYPE = new ClassValue<>() {
    @Override
    protected Tracing computeValue(Class<?> span) {
      return Tracing.of(span);
    }
  };
  private Tracing bootstrap;

  /** Adds {@code detection} to the current span, if there is one; never throws. */
  public void onDetection(Detection detection) {
    try {
      Tracing tracing = tracingFor(Thread.currentThread().getContextClassLoader());
      if (tracing != NONE) {
        tracing.addEvent(detection);
      }
    } catch (Throwable failed) {
      Diagnostics.error("span events", failed);
    }
  }

  private synchronized Tracing tracingFor(ClassLoader loader) {
    Tracing tracing = loader == null ? null : remembered(byLoader.get(loader));
    if (tracing != null) {
      return tracing;
    }
    tracing = Tracing.find(loader, API);
    if (tracing == NONE && SpanEvents.class.getClassLoader() != loader) {
      tracing = Tracing.find(SpanEvents.class.getClassLoader(), API);
    }
    if (tracing == NONE) {
      if (bootstrap == null) {
        bootstrap = Tracing.find(null, AGENT_API);
      }
      tracing = bootstrap;
    }
    if (loader != null && byLoader.size() < MAX_LOADERS) {
      byLoader.put(loader, tracing == NONE ? NONE : new WeakReference<Class<?>>(tracing.spanType()));
    }
    return tracing;
  }

  private static Tracing remembered(Object entry) {
    if (entry instanceof WeakReference<?> spanType) {
      Object type = spanType.get();
      return type == null ? null : BY_SPAN_TYPE.get((Class<?>) type);
    }
    return (Tracing) entry;
  }

  /** One OpenTelemetry API, as method handles. */
  private record Tracing(
      MethodHandle current, MethodHandle spanContext, MethodHandle isValid, MethodHandle attributes,
      MethodHandle putText, MethodHandle putLong, MethodHandle build, MethodHandle addEvent) {

    /** The API {@code loader} sees under the package prefix {@code api}, or NONE. */
    static Tracing find(ClassLoader loader, String api) {
      try {
        return BY_SPAN_TYPE.get(Class.forName(api + "trace.Span", false, loader));
      } catch (ClassNotFoundException | LinkageError absent) {
        return NONE;
      }
    }

    /** The API {@code span} belongs to, from the class loader that defined it, or NONE. */
    static Tracing of(Class<?> span) {
      String api = span.getName().substring(0, span.getName().length() - "trace.Span".length());
      ClassLoader loader = span.getClassLoader();
      try {
        Class<?> context = Class.forName(api + "trace.SpanContext", false, loader);
        Class<?> attributes = Class.forName(api + "common.Attributes", false, loader);
        Class<?> builder = Class.forName(api + "common.AttributesBuilder", false, loader);
        return new Tracing(
            LOOKUP.findStatic(span, "current", MethodType.methodType(span)),
            LOOKUP.findVirtual(span, "getSpanContext", MethodType.methodType(context)),
            LOOKUP.findVirtual(context, "isValid", MethodType.methodType(boolean.class)),
            LOOKUP.findStatic(attributes, "builder", MethodType.methodType(builder)),
            LOOKUP.findVirtual(builder, "put", MethodType.methodType(builder, String.class, String.class)),
            LOOKUP.findVirtual(builder, "put", MethodType.methodType(builder, String.class, long.class)),
            LOOKUP.findVirtual(builder, "build", MethodType.methodType(attributes)),
            LOOKUP.findVirtual(span, "addEvent", MethodType.methodType(span, String.class, attributes)));
      } catch (ClassNotFoundException | LinkageError absent) {
        return NONE;
      } catch (ReflectiveOperationException | RuntimeException unusable) {
        Diagnostics.say("found OpenTelemetry (" + api + ") but cannot add querylens' findings to its spans ("
            + unusable + ")");
        return NONE;
      }
    }

    Class<?> spanType() {
      return current.type().returnType();
    }

    void addEvent(Detection detection) throws Throwable {
      Object span = current.invoke();
      if (!(boolean) isValid.invoke(spanContext.invoke(span))) {
        return;
      }
      String sql = detection.shape() == null ? "" : detection.shape().sql();
      Object builder = attributes.invoke();
      builder = putText.invoke(builder, "querylens.finding.type", detection.type().name());
      builder = putText.invoke(builder, "querylens.finding.severity", detection.severity().name());
      builder = putText.invoke(builder, "querylens.detector", detection.detector().id());
      builder = putText.invoke(builder, "querylens.sql", sql.length() > MAX_SQL ? sql.substring(0, MAX_SQL) : sql);
      builder = putText.invoke(builder, "querylens.call_site", String.valueOf(detection.callSite()));
      builder = putLong.invoke(builder, "querylens.count", detection.count());
      if (detection.unitKind() != null) {
        builder = putText.invoke(builder, "querylens.unit",
            detection.unitKind().label() + " " + detection.unitName());
      }
      addEvent.invoke(span, EVENT, build.invoke(builder));
    }
  }
}
