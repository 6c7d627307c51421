package io.querylens.telemetry;

import io.querylens.endpoint.EndpointSummary;
import io.querylens.finding.FindingType;
import io.querylens.internal.Diagnostics;
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
 * querylens' figures as Micrometer meters in the application's {@code Metrics.globalRegistry} (where Spring Boot's
 * registries are, by default), when the application has Micrometer. Found and called by reflection: querylens is not
 * compiled against Micrometer, which lives in a class loader it cannot link to under the agent.
 *
 * <p>Every meter is a function of {@link Telemetry}: reading them costs a scrape, never a statement. Tags are bounded
 * (kind, table, finding type, pool, endpoint; never SQL text). New tables, pools and endpoints get their meters when
 * querylens' worker refreshes them (every second, and on a flush); at shutdown the meters are removed.
 */
public final class MicrometerMeters {

  static final String METRICS = "io.micrometer.core.instrument.Metrics";
  private static final int MAX_METERS = 2_000;

  private final Telemetry telemetry;
  private final Object registry;
  private final Class<?> registryType;
  private final Method counterBuilder;
  private final Method gaugeBuilder;
  private final Method timerBuilder;
  private final Method remove;
  private final Set<String> keys = new HashSet<>();
  private final List<Object> meters = new ArrayList<>();
  private TelemetrySnapshot indexed;
  private Map<String, Object> index = Map.of();

  private MicrometerMeters(Telemetry telemetry, ClassLoader loader) throws ReflectiveOperationException {
    this.telemetry = telemetry;
    Class<?> metrics = Class.forName(METRICS, true, loader);
    this.registry = metrics.getField("globalRegistry").get(null);
    this.registryType = Class.forName("io.micrometer.core.instrument.MeterRegistry", false, loader);
    this.counterBuilder = Class.forName("io.micrometer.core.instrument.FunctionCounter", false, loader)
        .getMethod("builder", String.class, Object.class, ToDoubleFunction.class);
    this.gaugeBuilder = Class.forName("io.micrometer.core.instrument.Gauge", false, loader)
        .getMethod("builder", String.class, Object.class, ToDoubleFunction.class);
    this.timerBuilder = Class.forName("io.micrometer.core.instrument.FunctionTimer", false, loader)
        .getMethod("builder", String.class, Object.class, ToLongFunction.class, ToDoubleFunction.class,
            TimeUnit.class);
    this.remove = registryType.getMethod("remove",
        Class.forName("io.micrometer.core.instrument.Meter", false, loader));
  }

  /**
   * Meters for {@code telemetry} in the Micrometer of {@code loader}; null when that loader has no Micrometer, or
   * its Micrometer is not one querylens can use (said once).
   */
  public static MicrometerMeters bind(Telemetry telemetry, ClassLoader loader) {
    try {
      Class.forName(METRICS, false, loader);
    } catch (ClassNotFoundException | LinkageError absent) {
      return null;
    }
    try {
      MicrometerMeters meters = new MicrometerMeters(telemetry, loader);
      meters.refresh();
      return meters;
    } catch (ReflectiveOperationException | RuntimeException | LinkageError unusable) {
      Diagnostics.say("found Micrometer but cannot register querylens' meters in it (" + unusable + "); the same "
          + "figures are on JMX as " + QueryLensJmx.OBJECT_NAME);
      return null;
    }
  }

  /** Registers meters for tables, pools and endpoints seen since the last refresh. */
  public synchronized void refresh() {
    TelemetrySnapshot now = telemetry.current();
    for (FindingType type : FindingType.values()) {
      String name = type.name();
      counter("querylens.findings", "Distinct problems querylens found", "findings." + name,
          snapshot -> snapshot.findings().getOrDefault(name, 0L), "type", name);
    }
    for (TelemetrySnapshot.StatementGroup group : now.groups()) {
      String key = "statements." + group.kind() + "." + group.table();
      Class<TelemetrySnapshot.StatementGroup> type = TelemetrySnapshot.StatementGroup.class;
      timer("querylens.statements", "Statements the application ran, and their time, by kind and table", key,
          figure(key, type, TelemetrySnapshot.StatementGroup::executions),
          figure(key, type, TelemetrySnapshot.StatementGroup::nanos), "kind", group.kind(), "table", group.table());
    }
    for (TelemetrySnapshot.PoolFigures pool : now.pools()) {
      String name = pool.name();
      String key = "pool." + name;
      Class<TelemetrySnapshot.PoolFigures> type = TelemetrySnapshot.PoolFigures.class;
      gauge("querylens.pool.connections.in.use", "Connections taken from the pool and not closed yet", null,
          key + ".inUse", figure(key, type, TelemetrySnapshot.PoolFigures::inUse), "pool", name);
      gauge("querylens.pool.connections.acquiring", "Threads waiting in getConnection()", null, key + ".acquiring",
          figure(key, type, TelemetrySnapshot.PoolFigures::acquiring), "pool", name);
      counter("querylens.pool.acquisitions", "Connections taken from the pool", key + ".acquisitions",
          figure(key, type, TelemetrySnapshot.PoolFigures::acquisitions), "pool", name);
      counter("querylens.pool.acquire.timeouts", "getConnection() calls that gave up waiting", key + ".timeouts",
          figure(key, type, TelemetrySnapshot.PoolFigures::timeouts), "pool", name);
      gauge("querylens.pool.acquire.wait.p95", "95th percentile of getConnection() time", "seconds", key + ".p95",
          figure(key, type, figures -> figures.waitP95Nanos() / 1e9), "pool", name);
    }
    for (EndpointSummary endpoint : now.endpoints()) {
      String name = endpoint.name();
      String key = "endpoint." + name;
      timer("querylens.endpoint.database", "Requests of the endpoint and their database time", key,
          figure(key, EndpointSummary.class, EndpointSummary::requests),
          figure(key, EndpointSummary.class, EndpointSummary::databaseNanos), "endpoint", name);
      counter("querylens.endpoint.statements", "Statements the endpoint's requests ran", key + ".statements",
          figure(key, EndpointSummary.class, EndpointSummary::statements), "endpoint", name);
      gauge("querylens.endpoint.statements.p95", "95th percentile of statements per request", "statements",
          key + ".statementsP95", figure(key, EndpointSummary.class, EndpointSummary::statementsP95),
          "endpoint", name);
      gauge("querylens.endpoint.database.p95", "95th percentile of database time per request", "seconds",
          key + ".databaseP95", figure(key, EndpointSummary.class, summary -> summary.databaseP95Nanos() / 1e9),
          "endpoint", name);
    }
  }

  /** Removes every meter this registered. */
  public synchronized void close() {
    for (Object meter : meters) {
      try {
        remove.invoke(registry, meter);
      } catch (ReflectiveOperationException | RuntimeException ignored) {
        // Shutting down; a meter left behind reads zeros.
      }
    }
    meters.clear();
    keys.clear();
  }

  private void counter(String name, String description, String key, ToDoubleFunction<TelemetrySnapshot> value,
      String... tags) {
    if (!claim(key)) {
      return;
    }
    ToDoubleFunction<Object> read = ignored -> value.applyAsDouble(telemetry.current());
    register(invoke(counterBuilder, null, name, key, read), description, null, tags);
  }

  private void gauge(String name, String description, String baseUnit, String key,
      ToDoubleFunction<TelemetrySnapshot> value, String... tags) {
    if (!claim(key)) {
      return;
    }
    ToDoubleFunction<Object> read = ignored -> value.applyAsDouble(telemetry.current());
    register(invoke(gaugeBuilder, null, name, key, read), description, baseUnit, tags);
  }

  private void timer(String name, String description, String key, ToDoubleFunction<TelemetrySnapshot> count,
      ToDoubleFunction<TelemetrySnapshot> totalNanos, String... tags) {
    if (!claim(key)) {
      return;
    }
    ToLongFunction<Object> readCount = ignored -> (long) count.applyAsDouble(telemetry.current());
    ToDoubleFunction<Object> readTotal = ignored -> totalNanos.applyAsDouble(telemetry.current());
    register(invoke(timerBuilder, null, name, key, readCount, readTotal, TimeUnit.NANOSECONDS), description, null,
        tags);
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

  private void register(Object builder, String description, String baseUnit, String... tags) {
    Class<?> type = builder.getClass();
    builder = invoke(method(type, "tags", String[].class), builder, (Object) tags);
    builder = invoke(method(type, "description", String.class), builder, description);
    if (baseUnit != null) {
      builder = invoke(method(type, "baseUnit", String.class), builder, baseUnit);
    }
    meters.add(invoke(method(type, "register", registryType), builder, registry));
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
}
