package io.querylens.telemetry;

import static org.assertj.core.api.Assertions.assertThat;

import com.example.shipping.CarrierDashboard;
import io.micrometer.core.instrument.FunctionTimer;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.Metrics;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.querylens.config.Settings;
import io.querylens.testing.PoolLens;
import io.querylens.testing.TestDatabases.TestDatabase;
import java.lang.management.ManagementFactory;
import java.util.concurrent.TimeUnit;
import javax.management.JMX;
import javax.management.ObjectName;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * querylens' figures in the tools teams already run, on real databases: the MXBean and, because Micrometer is on this
 * test's class path, meters in Micrometer's global registry (where Spring Boot's registries are). One chatty request of
 * 32 selects must show as 32 selects on its table, one CHATTY_REQUEST, one request of its endpoint and the pool; no
 * tag may carry SQL; meters leave with querylens.
 */
@ParameterizedClass(name = "on {0}")
@MethodSource("io.querylens.testing.TestDatabases#all")
class TelemetryOnDatabasesTest {

  private static final String DASHBOARD = "GET /carriers/{carrierId}/dashboard";

  @Parameter TestDatabase database;

  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  private PoolLens lens;
  private String table;

  @BeforeEach
  void open() throws Exception {
    Metrics.addRegistry(registry);
    lens = new PoolLens(database, settings -> settings.set(Settings.INDEX_ADVICE, false)
        .set(Settings.REQUEST_MAX_STATEMENTS, 20));
    var shipments = lens.shipments("meters", 5_000);
    table = shipments.table();
    CarrierDashboard dashboard = new CarrierDashboard(shipments);
    PoolLens.request("/carriers/17/dashboard", "/carriers/{carrierId}/dashboard", () -> dashboard.render(17));
    lens.runtime.flush();
  }

  @AfterEach
  void close() throws Exception {
    try {
      if (lens != null) {
        lens.close();
      }
    } finally {
      Metrics.removeRegistry(registry);
      registry.close();
    }
  }

  @Test
  void theMxBeanHasStatementsByKindAndTableFindingsPoolsAndEndpoints() throws Exception {
    QueryLensMXBean bean = JMX.newMXBeanProxy(ManagementFactory.getPlatformMBeanServer(),
        new ObjectName(QueryLensJmx.OBJECT_NAME), QueryLensMXBean.class);

    assertThat(bean.getStatements()).isEqualTo(CarrierDashboard.STATEMENTS);
    assertThat(bean.getDatabaseMillis()).isPositive();
    assertThat(bean.getStatementsByKind()).containsExactly(java.util.Map.entry("select", 32L));
    assertThat(bean.getStatementsByTable()).containsExactly(java.util.Map.entry(table, 32L));
    assertThat(bean.getDatabaseMillisByTable().get(table)).isPositive();
    assertThat(bean.getFindingsByType()).containsEntry("CHATTY_REQUEST", 1L);
    assertThat(bean.getEndpointRequests()).containsExactly(java.util.Map.entry(DASHBOARD, 1L));
    assertThat(bean.getEndpointStatementsP95()).containsExactly(java.util.Map.entry(DASHBOARD, 32L));
    assertThat(bean.getEndpointDatabaseP95Millis().get(DASHBOARD)).isPositive();
    assertThat(bean.getPoolConnectionsInUse()).hasSize(1).containsValue(0);
    assertThat(bean.getPoolThreadsAcquiring()).hasSize(1).containsValue(0);
    assertThat(bean.getInternalErrors()).isZero();
  }

  @Test
  void micrometerMetersCountTheSameWithBoundedTagsAndLeaveWithQuerylens() throws Exception {
    FunctionTimer selects = registry.find("querylens.statements").tags("kind", "select", "table", table)
        .functionTimer();
    assertThat(selects).isNotNull();
    assertThat(selects.count()).isEqualTo(32.0);
    assertThat(selects.totalTime(TimeUnit.NANOSECONDS)).isPositive();
    assertThat(registry.find("querylens.findings").tag("type", "CHATTY_REQUEST").functionCounter().count())
        .isEqualTo(1.0);
    assertThat(registry.find("querylens.findings").tag("type", "N_PLUS_ONE").functionCounter().count()).isZero();
    FunctionTimer endpoint = registry.find("querylens.endpoint.database").tag("endpoint", DASHBOARD)
        .functionTimer();
    assertThat(endpoint.count()).isEqualTo(1.0);
    assertThat(registry.find("querylens.endpoint.statements").tag("endpoint", DASHBOARD).functionCounter().count())
        .isEqualTo(32.0);
    assertThat(registry.find("querylens.endpoint.statements.p95").tag("endpoint", DASHBOARD).gauge().value())
        .isEqualTo(32.0);
    assertThat(registry.find("querylens.pool.connections.in.use").gauge().value()).isZero();
    assertThat(registry.find("querylens.pool.acquisitions").functionCounter().count()).isEqualTo(32.0);

    assertThat(registry.getMeters()).filteredOn(meter -> meter.getId().getName().startsWith("querylens."))
        .flatExtracting(meter -> meter.getId().getTags()).extracting(Tag::getValue)
        .noneMatch(value -> value.contains(" from ") || value.contains("?")
            // the carrier id of the request never becomes a tag; the table's random suffix may hold "17"
            || value.contains("17") && !value.equals(table));

    lens.close();
    lens = null;
    assertThat(registry.getMeters()).extracting(Meter::getId).extracting(Meter.Id::getName)
        .noneMatch(name -> name.startsWith("querylens."));
  }
}
