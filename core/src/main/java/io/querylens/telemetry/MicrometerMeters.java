package io.querylens.telemetry;

import io.querylens.endpoint.EndpointSummary;
import io.querylens.finding.FindingType;
import io.querylens.internal.Diagnostics;
import java.lang.ref.WeakReference;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.ToDoubleFunction;
import java.util.function.ToLongFunction;

/**
 * querylens' figures as Micrometer meters in one application's {@code Metrics.globalRegistry} (where Spring Boot's
 * registries are, by default), when the application has Micrometer. Found and called by reflection: querylens is not
 * compiled against Micrometer, which lives in a class loader it cannot link to under the agent.
 *
 * <p>Every meter is a function of {@link Telemetry}: reading them costs a scrape, never a statement. Tags are bounded
 * (kind, table, finding type, pool, endpoint; never SQL text). New tables, pools and endpoints get their meters when
 * querylens' worker refreshes them (every second, and on a flush); at shutdown the meters are removed.
 *
 * <p>Nothing here holds the application's classes strongly: its {@code Metrics} class is held weakly, Micrometer's
 * methods are kept by that class ({@link #API}), the registry is read from it at each refresh and the meters are held
 * weakly. A web application's Micrometer thus never keeps its class loader once it is undeployed; the meters' figures,
 * registered in its registry, point the other way.
 */
public final class MicrometerMeters {

  static final String METRICS = "io.micrometer.core.instrument.Metrics";
  private static final int MAX_METERS = 2_000;

  /** The Micrometer methods querylens calls, of each {@code Metrics} class, kept by that class and no longer. */
  private static final ClassValue<Api> API = new ClassValue<>() {
    @Override
    protected Api computeValue(Class<?> metrics) {
      try {
        return Api.of(metrics);
      } catch (ReflectiveOperationException unusable) {
        throw new IllegalStateException(unusable);
      }
    }
  };

  private final Telemetry telemetry;
  private final WeakReference<Class<?>> metrics;
  /** The application's class loader, as diagnostics name it. */
  private final String loaderName;
  private final Set<String> keys = new HashSet<>();
  private final List<WeakReference<Object>> meters = new ArrayList<>();
  private TelemetrySnapshot indexed;
  private Map<String, Object> index = Map.of();

  private MicrometerMeters(Telemetry telemetry, Class<?> metrics) {
    this.telemetry = telemetry;
    this.metrics = new WeakReference<>(metrics);
    ClassLoader loader = metrics.getClassLoader();
    this.loaderName = loader == null ? "the bootstrap class loader"
        : loader.getName() != null ? "class loader " + loader.getName() : String.valueOf(loader);
  }

  /** Micrometer's {@code Metrics} class as {@code loader} sees it, or null when it has no Micrometer. */
  static Class<?> metricsOf(ClassLoader loader) {
    try {
      return Class.forName(METRICS, false, loader);
    } catch (ClassNotFoundException | LinkageError | RuntimeException absent) {
      return null;
    }
  }

  /**
   * Meters for {@code telemetry} in the Micrometer of {@code loader}; null when that loader has no Micrometer, or
   * its Micrometer is not one querylens can use (said once).
   */
  public static MicrometerMeters bind(Telemetry telemetry, ClassLoader loader) {
    Class<?> metrics = metricsOf(loader);
    return metrics == null ? null : bind(telemetry, metrics);
  }

  /** Meters for {@code telemetry} in the Micrometer of {@code metrics}; null when querylens cannot use it (said once). */
  static MicrometerMeters bind(Telemetry telemetry, Class<?> metrics) {
    try {
      MicrometerMeters meters = new MicrometerMeters(telemetry, metrics);
      meters.register(API.get(metrics));
      return meters;
    } catch (RuntimeException | LinkageError unusable) {
      Diagnostics.say("found Micrometer but cannot register querylens' meters in it (" + unusable + "); the same "
          + "figures are on JMX as " + QueryLensJmx.OBJECT_NAME);
      return null;
    }
  }

  /** Whether these meters are in the Micrometer whose {@code Metrics} class is {@code candidate}. */
  boolean isIn(Class<?> candidate) {
    return metrics.get() == candidate;
  }

  /**
   * Whether anything reads these meters: the application's global registry still holds an open registry. Not once the
   * application removed or closed its registries (as it does when undeployed), nor once it is gone.
   */
  synchronized boolean isRead() {
    Class<?> type = metrics.get();
    try {
      if (type != null) {
        Api api = API.get(type);
        for (Object registry : (Iterable<?>) api.registries().invoke(api.registry())) {
          if (!(boolean) api.isClosed().invoke(registry)) {
            return true;
          }
        }
      }
    } catch (ReflectiveOperationException | RuntimeException | LinkageError gone) {
      // Its class loader is closed: nothing reads it any more.
    }
    return false;
  }

  /**
   * Registers meters for tables, pools and endpoints seen since the last refresh. False when the application's
   * Micrometer is gone: its class loader collected, or closed (registering failed; said once), so that these meters
   * are done with.
   */
  public synchronized boolean refresh() {
    Class<?> type = metrics.get();
    if (type == null) {
      return false;
    }
    try {
      register(API.get(type));
      return true;
    } catch (RuntimeException | LinkageError failed) {
      Diagnostics.say("stopped adding querylens' meters to the Micrometer of " + loaderName + ", whose application "
          + "seems gone (" + Diagnostics.describe(failed) + ")");
      return false;
    }
  }

  private synchronized void register(Api api) {
    Object registry = api.registry();
    TelemetrySnapshot now = telemetry.current();
    for (FindingType type : FindingType.values()) {
      String name = type.name();
      counter(api, registry, "querylens.findings", "Distinct problems querylens found", "findings." + name,
          snapshot -> snapshot.findings().getOrDefault(name, 0L), "type", name);
    }
    for (TelemetrySnapshot.StatementGroup group : now.groups()) {
      String key = "statements." + group.kind() + "." + group.table();
      Class<TelemetrySnapshot.StatementGroup> type = TelemetrySnapshot.StatementGroup.class;
      timer(api, registry, "querylens.statements", "Statements the application ran, and their time, by kind and table", key,
          figure(key, type, TelemetrySnapshot.StatementGroup::executions),
          figure(key, type, TelemetrySnapshot.StatementGroup::nanos), "kind", group.kind(), "table", group.table());
    }
    for (TelemetrySnapshot.PoolFigures pool : now.pools()) {
      String name = pool.name();
      String key = "pool." + name;
      Class<TelemetrySnapshot.PoolFigures> type = TelemetrySnapshot.PoolFigures.class;
      gauge(api, registry, "querylens.pool.connections.in.use", "Connections taken from the pool and not closed yet", null,
          key + ".inUse", figure(key, type, TelemetrySnapshot.PoolFigures::inUse), "pool", name);
      gauge(api, registry, "querylens.pool.connections.acquiring", "Threads waiting in getConnection()", null, key + ".acquiring",
          figure(key, type, TelemetrySnapshot.PoolFigures::acquiring), "pool", name);
      counter(api, registry, "querylens.pool.acquisitions", "Connections taken from the pool", key + ".acquisitions",
          figure(key, type, TelemetrySnapshot.PoolFigures::acquisitions), "pool", name);
      counter(api, registry, "querylens.pool.acquire.timeouts", "getConnection() calls that gave up waiting", key + ".timeouts",
          figure(key, type, TelemetrySnapshot.PoolFigures::timeouts), "pool", name);
      gauge(api, registry, "querylens.pool.acquire.wait.p95", "95th percentile of getConnection() time", "seconds", key + ".p95",
          figure(key, type, figures -> figures.waitP95Nanos() / 1e9), "pool", name);
    }
    for (EndpointSummary endpoint : now.endpoints()) {
      String name = endpoint.name();
      String key = "endpoint." + name;
      timer(api, registry, "querylens.endpoint.database", "Requests of the endpoint and their database time", key,
          figure(key, EndpointSummary.class, EndpointSummary::requests),
          figure(key, EndpointSummary.class, EndpointSummary::databaseNanos), "endpoint", name);
      counter(api, registry, "querylens.endpoint.statements", "Statements the endpoint's requests ran", key + ".statements",
          figure(key, EndpointSummary.class, EndpointSummary::statements), "endpoint", name);
      gauge(api, registry, "querylens.endpoint.statements.p95", "95th percentile of statements per request", "statements",
          key + ".statementsP95", figure(key, EndpointSummary.class, EndpointSummary::statementsP95),
          "endpoint", name);
      gauge(api, registry, "querylens.endpoint.database.p95", "95th percentile of database time per request", "seconds",
          key + ".databaseP95", figure(key, EndpointSummary.class, summary -> summary.databaseP95Nanos() / 1e9),
          "endpoint", name);
    }
  }

  /** Removes every meter this registered (those its application still has). */
  public synchronized void close() {
    Class<?> type = metrics.get();
    try {
      if (type != null) {
        Api api = API.get(type);
        Object registry = api.registry();
        for (WeakReference<Object> meter : meters) {
          Object registered = meter.get();
          if (registered != null) {
            api.remove().invoke(registry, registered);
          }
        }
      }
    } catch (ReflectiveOperationException | RuntimeException | LinkageError ignored) {
      // Shutting down, or the application is gone; a meter left behind reads zeros.
    }
    meters.clear();
    keys.clear();
  }

  private void counter(Api api, Object registry, String name, String description, String key,
      ToDoubleFunction<TelemetrySnapshot> value, String... tags) {
    if (!claim(key)) {
      return;
    }
    ToDoubleFunction<Object> read = ignored -> value.applyAsDouble(telemetry.current());
    register(api, registry, invoke(api.counterBuilder(), null, name, key, read), description, null, tags);
  }

  private void gauge(Api api, Object registry, String name, String description, String baseUnit, String key,
      ToDoubleFunction<TelemetrySnapshot> value, String... tags) {
    if (!claim(key)) {
      return;
    }
    ToDoubleFunction<Object> read = ignored -> value.applyAsDouble(telemetry.current());
    register(api, registry, invoke(api.gaugeBuilder(), null, name, key, read), description, baseUnit, tags);
  }

  private void timer(Api api, Object registry, String name, String description, String key,
      ToDoubleFunction<TelemetrySnapshot> count, ToDoubleFunction<TelemetrySnapshot> totalNanos, String... tags) {
    if (!claim(key)) {
      return;
    }
    ToLongFunction<Object> readCount = ignored -> (long) count.applyAsDouble(telemetry.current());
    ToDoubleFunction<Object> readTotal = ignored -> totalNanos.applyAsDouble(telemetry.current());
    register(api, registry, invoke(api.timerBuilder(), null, name, key, readCount, readTotal, TimeUnit.NANOSECONDS),
        description, null, tags);
  }

  private boolean claim(String key) {
    if (keys.contains(key)) {
      return false;
    }
    if (keys.size() >= MAX_METERS) {
      Diagnostics.dropped("Micrometer meters", "more than " + MAX_METERS + " querylens meters; no more are added");
      return false;
    }
    keys.add(key); // also the strong reference to what a meter reads: Micrometer keeps only a weak one
    return true;
  }

  private void register(Api api, Object registry, Object builder, String description, String baseUnit,
      String... tags) {
    Class<?> type = builder.getClass();
    builder = invoke(method(type, "tags", String[].class), builder, (Object) tags);
    builder = invoke(method(type, "description", String.class), builder, description);
    if (baseUnit != null) {
      builder = invoke(method(type, "baseUnit", String.class), builder, baseUnit);
    }
    meters.add(new WeakReference<>(invoke(method(type, "register", api.registryType()), builder, registry)));
  }

  private static Method method(Class<?> type, String name, Class<?>... parameters) {
    try {
      return type.getMethod(name, parameters);
    } catch (NoSuchMethodException missing) {
      throw new IllegalStateException("Micrometer has no " + type.getSimpleName() + "." + name, missing);
    }
  }

  private static Object invoke(Method method, Object target, Object... arguments) {
    try {
      return method.invoke(target, arguments);
    } catch (ReflectiveOperationException failed) {
      throw new IllegalStateException("Micrometer's " + method.getName() + " failed", failed);
    }
  }

  private synchronized Object indexed(TelemetrySnapshot snapshot, String key) {
    if (snapshot != indexed) {
      Map<String, Object> byKey = new HashMap<>();
      snapshot.groups().forEach(group -> byKey.put("statements." + group.kind() + "." + group.table(), group));
      snapshot.pools().forEach(pool -> byKey.put("pool." + pool.name(), pool));
      snapshot.endpoints().forEach(endpoint -> byKey.put("endpoint." + endpoint.name(), endpoint));
      index = byKey;
      indexed = snapshot;
    }
    return index.get(key);
  }

  /**
   * A figure of the table, pool or endpoint {@code key} names ({@code statements.select.orders}, {@code pool.main},
   * {@code endpoint.GET /x}) in the latest reading: 0 once it is gone from it.
   */
  private <T> ToDoubleFunction<TelemetrySnapshot> figure(String key, Class<T> type, ToDoubleFunction<T> value) {
    return snapshot -> {
      Object item = indexed(snapshot, key);
      return type.isInstance(item) ? value.applyAsDouble(type.cast(item)) : 0;
    };
  }

  /** The Micrometer methods querylens calls, of one {@code Metrics} class and the classes its loader sees. */
  private record Api(Field globalRegistry, Class<?> registryType, Method counterBuilder, Method gaugeBuilder,
      Method timerBuilder, Method remove, Method registries, Method isClosed) {

    static Api of(Class<?> metrics) throws ReflectiveOperationException {
      ClassLoader loader = metrics.getClassLoader();
      Class<?> registryType = Class.forName("io.micrometer.core.instrument.MeterRegistry", false, loader);
      return new Api(metrics.getField("globalRegistry"), registryType,
          Class.forName("io.micrometer.core.instrument.FunctionCounter", false, loader)
              .getMethod("builder", String.class, Object.class, ToDoubleFunction.class),
          Class.forName("io.micrometer.core.instrument.Gauge", false, loader)
              .getMethod("builder", String.class, Object.class, ToDoubleFunction.class),
          Class.forName("io.micrometer.core.instrument.FunctionTimer", false, loader)
              .getMethod("builder", String.class, Object.class, ToLongFunction.class, ToDoubleFunction.class,
                  TimeUnit.class),
          registryType.getMethod("remove", Class.forName("io.micrometer.core.instrument.Meter", false, loader)),
          metrics.getField("globalRegistry").getType().getMethod("getRegistries"),
          registryType.getMethod("isClosed"));
    }

    /** The application's {@code Metrics.globalRegistry}, read now (it initialises {@code Metrics}). */
    Object registry() {
      try {
        return globalRegistry.get(null);
      } catch (IllegalAccessException unreadable) {
        throw new IllegalStateException(unreadable);
      }
    }
  }
}
