package io.querylens.telemetry;

import io.querylens.detect.SqlText;
import io.querylens.endpoint.EndpointSummary;
import io.querylens.internal.Diagnostics;
import java.lang.management.ManagementFactory;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.function.ToLongFunction;
import javax.management.MBeanServer;
import javax.management.ObjectName;

/** The {@link QueryLensMXBean}, registered on the platform MBean server while querylens runs. */
public final class QueryLensJmx implements QueryLensMXBean {

  /** Not under "io.querylens": the agent jar's build renames every string that starts so. */
  public static final String OBJECT_NAME = "querylens:type=QueryLens";

  private final Telemetry telemetry;
  private final Predicate<String> htmlWriter;
  private ObjectName registered;

  private QueryLensJmx(Telemetry telemetry, Predicate<String> htmlWriter) {
    this.telemetry = telemetry;
    this.htmlWriter = htmlWriter;
  }

  /**
   * Registers the figures of {@code telemetry} under {@link #OBJECT_NAME}, replacing an earlier querylens' (a test
   * that starts querylens again). Null when JMX refuses, which is said once.
   */
  public static QueryLensJmx register(Telemetry telemetry, Predicate<String> htmlWriter) {
    QueryLensJmx bean = new QueryLensJmx(telemetry, htmlWriter);
    try {
      MBeanServer server = ManagementFactory.getPlatformMBeanServer();
      ObjectName name = new ObjectName(OBJECT_NAME);
      if (server.isRegistered(name)) {
        server.unregisterMBean(name);
      }
      server.registerMBean(bean, name);
      bean.registered = name;
      return bean;
    } catch (Exception | LinkageError refused) {
      Diagnostics.say("querylens' JMX figures are not available (" + refused + "); everything else works");
      return null;
    }
  }

  /** Removes the bean, if it is still this one's. */
  public void unregister() {
    if (registered == null) {
      return;
    }
    try {
      MBeanServer server = ManagementFactory.getPlatformMBeanServer();
      if (server.isRegistered(registered)) {
        server.unregisterMBean(registered);
      }
    } catch (Exception | LinkageError ignored) {
      // Shutting down: nobody to tell.
    }
  }

  @Override
  public long getStatements() {
    return telemetry.current().statements();
  }

  @Override
  public double getDatabaseMillis() {
    return SqlText.millisValue(telemetry.current().databaseNanos());
  }

  @Override
  public Map<String, Long> getStatementsByKind() {
    return sumLongs(TelemetrySnapshot.StatementGroup::kind, TelemetrySnapshot.StatementGroup::executions);
  }

  @Override
  public Map<String, Double> getDatabaseMillisByKind() {
    return sumMillis(TelemetrySnapshot.StatementGroup::kind);
  }

  @Override
  public Map<String, Long> getStatementsByTable() {
    return sumLongs(TelemetrySnapshot.StatementGroup::table, TelemetrySnapshot.StatementGroup::executions);
  }

  @Override
  public Map<String, Double> getDatabaseMillisByTable() {
    return sumMillis(TelemetrySnapshot.StatementGroup::table);
  }

  private Map<String, Long> sumLongs(Function<TelemetrySnapshot.StatementGroup, String> key,
      ToLongFunction<TelemetrySnapshot.StatementGroup> value) {
    Map<String, Long> sums = new TreeMap<>();
    telemetry.current().groups().forEach(group -> sums.merge(key.apply(group), value.applyAsLong(group), Long::sum));
    return sums;
  }

  private Map<String, Double> sumMillis(Function<TelemetrySnapshot.StatementGroup, String> key) {
    Map<String, Long> nanos = sumLongs(key, TelemetrySnapshot.StatementGroup::nanos);
    Map<String, Double> millis = new TreeMap<>();
    nanos.forEach((name, total) -> millis.put(name, SqlText.millisValue(total)));
    return millis;
  }

  @Override
  public Map<String, Long> getFindingsByType() {
    return new TreeMap<>(telemetry.current().findings());
  }

  @Override
  public Map<String, Integer> getPoolConnectionsInUse() {
    Map<String, Integer> byPool = new TreeMap<>();
    telemetry.current().pools().forEach(pool -> byPool.put(pool.name(), pool.inUse()));
    return byPool;
  }

  @Override
  public Map<String, Integer> getPoolThreadsAcquiring() {
    Map<String, Integer> byPool = new TreeMap<>();
    telemetry.current().pools().forEach(pool -> byPool.put(pool.name(), pool.acquiring()));
    return byPool;
  }

  @Override
  public Map<String, Double> getPoolAcquireWaitP95Millis() {
    Map<String, Double> byPool = new TreeMap<>();
    telemetry.current().pools().forEach(pool -> byPool.put(pool.name(), SqlText.millisValue(pool.waitP95Nanos())));
    return byPool;
  }

  @Override
  public Map<String, Long> getEndpointRequests() {
    return byEndpoint(EndpointSummary::requests);
  }

  @Override
  public Map<String, Long> getEndpointStatementsP95() {
    return byEndpoint(EndpointSummary::statementsP95);
  }

  @Override
  public Map<String, Double> getEndpointDatabaseP95Millis() {
    Map<String, Double> byEndpoint = new TreeMap<>();
    telemetry.current().endpoints()
        .forEach(endpoint -> byEndpoint.put(endpoint.name(), SqlText.millisValue(endpoint.databaseP95Nanos())));
    return byEndpoint;
  }

  private Map<String, Long> byEndpoint(ToLongFunction<EndpointSummary> value) {
    Map<String, Long> byEndpoint = new TreeMap<>();
    telemetry.current().endpoints().forEach(endpoint -> byEndpoint.put(endpoint.name(), value.applyAsLong(endpoint)));
    return byEndpoint;
  }

  @Override
  public boolean writeHtmlReport(String path) {
    return htmlWriter.test(path);
  }

  @Override
  public long getInternalErrors() {
    return telemetry.current().internalErrors();
  }
}
