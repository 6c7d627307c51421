package io.querylens.telemetry;

import static org.assertj.core.api.Assertions.assertThat;

import io.querylens.QueryLens;
import io.querylens.UnitOfWorkScope;
import io.querylens.testing.Heap;
import io.querylens.testing.LibraryLens;
import java.lang.ref.WeakReference;
import java.net.URL;
import java.net.URLClassLoader;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A web application that bundles its own Micrometer, deployed six times, each time in a class loader of its own with
 * a registry in its {@code Metrics.globalRegistry} (as Spring Boot does): each deployment finds querylens' meters in
 * its own registry, though querylens bound earlier ones first (past four at once, it lets go of one whose registry the
 * application removed), and once undeployed its class loader is collected.
 */
class MicrometerRedeployTest {

  private static final int DEPLOYMENTS = 6;

  @Test
  void everyDeploymentGetsTheMetersAndEveryUndeployedOneIsCollected() throws Exception {
    try (LibraryLens lens = new LibraryLens();
        Connection connection = io.querylens.jdbc.WatchedJdbc.wrap(
            DriverManager.getConnection("jdbc:h2:mem:micrometer-redeploy"))) {
      lens.start(settings -> settings);
      List<WeakReference<ClassLoader>> undeployed = new ArrayList<>();
      List<Double> counted = new ArrayList<>();
      for (int deployment = 1; deployment <= DEPLOYMENTS; deployment++) {
        undeployed.add(deployServeAndUndeploy(lens, connection, deployment, counted));
      }
      int collections = Heap.collectUntil(() -> undeployed.stream().allMatch(loader -> loader.get() == null), 50);
      long collected = undeployed.stream().filter(loader -> loader.get() == null).count();
      System.out.println("[figures] Micrometer redeployed " + DEPLOYMENTS + " times: querylens.statements seen "
          + counted + "; " + collected + " of " + DEPLOYMENTS + " loaders collected after " + collections
          + " collections");
      assertThat(counted).as("querylens.statements in each deployment's own registry").allMatch(count -> count > 0);
      assertThat(collected).as("undeployed loaders collected after 50 collections").isEqualTo(DEPLOYMENTS);
      assertThat(lens.diagnostics()).as("past 4 at once, an undeployed one (its registry removed) is let go, unsaid")
          .doesNotContain("Micrometer");
    }
  }

  /**
   * Deploys a web app with its own Micrometer and a {@code SimpleMeterRegistry} in its global registry, runs a request
   * on its thread (its loader the context loader), and adds the statements querylens counts in that registry.
   */
  private static WeakReference<ClassLoader> deployServeAndUndeploy(LibraryLens lens, Connection connection,
      int deployment, List<Double> counted) throws Exception {
    Thread thread = Thread.currentThread();
    ClassLoader container = thread.getContextClassLoader();
    try (URLClassLoader webApp = new URLClassLoader("webapp-" + deployment, micrometerJars(),
        ClassLoader.getPlatformClassLoader())) {
      Class<?> metrics = webApp.loadClass("io.micrometer.core.instrument.Metrics");
      assertThat(metrics.getClassLoader()).as("the web app's own Micrometer").isSameAs(webApp);
      Class<?> registryType = webApp.loadClass("io.micrometer.core.instrument.MeterRegistry");
      Object registry = webApp.loadClass("io.micrometer.core.instrument.simple.SimpleMeterRegistry")
          .getConstructor().newInstance();
      metrics.getMethod("addRegistry", registryType).invoke(null, registry);
      thread.setContextClassLoader(webApp);
      try (UnitOfWorkScope request = QueryLens.unitOfWork("GET /deployment/" + deployment);
          Statement statement = connection.createStatement();
          ResultSet rows = statement.executeQuery("select " + deployment)) {
        assertThat(rows.next()).isTrue();
      } finally {
        thread.setContextClassLoader(container);
      }
      lens.runtime().flush(); // what querylens' worker does every second
      Object search = registryType.getMethod("find", String.class).invoke(registry, "querylens.statements");
      double statements = 0;
      for (Object timer : (Iterable<?>) search.getClass().getMethod("functionTimers").invoke(search)) {
        statements += (double) timer.getClass().getMethod("count").invoke(timer);
      }
      counted.add(statements);
      metrics.getMethod("removeRegistry", registryType).invoke(null, registry);
      return new WeakReference<>(webApp);
    }
  }

  /** Micrometer and the libraries it needs, from this test's class path. */
  private static URL[] micrometerJars() throws Exception {
    String[] classes = {"io.micrometer.core.instrument.Metrics", "io.micrometer.common.KeyValue",
        "io.micrometer.observation.Observation", "org.HdrHistogram.Histogram", "org.LatencyUtils.PauseDetector"};
    List<URL> jars = new ArrayList<>();
    for (String name : classes) {
      jars.add(Class.forName(name, false, MicrometerRedeployTest.class.getClassLoader())
          .getProtectionDomain().getCodeSource().getLocation());
    }
    return jars.toArray(URL[]::new);
  }
}
