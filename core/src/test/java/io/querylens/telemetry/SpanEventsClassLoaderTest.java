package io.querylens.telemetry;

import static org.assertj.core.api.Assertions.assertThat;

import io.querylens.testing.Heap;
import java.lang.ref.WeakReference;
import java.net.URL;
import java.net.URLClassLoader;
import org.junit.jupiter.api.Test;

/**
 * A web application that bundles OpenTelemetry's API: querylens finds it through the thread's context class loader,
 * and once the application is undeployed, lets its class loader go.
 */
class SpanEventsClassLoaderTest {

  @Test
  void anUndeployedApplicationsOwnOpenTelemetryDoesNotKeepItsClassLoader() throws Exception {
    SpanEvents spanEvents = new SpanEvents();

    WeakReference<ClassLoader> undeployed = deployAndUndeploy(spanEvents);

    Heap.collectUntil(() -> undeployed.get() == null, 50);
    assertThat(undeployed.get()).as("the web application's class loader, after 50 collections").isNull();
  }

  /** Detections on a thread whose context loader is a web app's own, with its own OpenTelemetry API; then undeploy. */
  private static WeakReference<ClassLoader> deployAndUndeploy(SpanEvents spanEvents) throws Exception {
    URL[] openTelemetry = {io.opentelemetry.api.trace.Span.class.getProtectionDomain().getCodeSource().getLocation(),
        io.opentelemetry.context.Context.class.getProtectionDomain().getCodeSource().getLocation()};
    Thread thread = Thread.currentThread();
    ClassLoader before = thread.getContextClassLoader();
    try (URLClassLoader webApp = new URLClassLoader("webapp", openTelemetry, ClassLoader.getPlatformClassLoader())) {
      Class<?> span = webApp.loadClass("io.opentelemetry.api.trace.Span");
      assertThat(span.getClassLoader()).as("the web app's own copy").isSameAs(webApp);
      thread.setContextClassLoader(webApp);
      // No span is current in that OpenTelemetry, so the detection itself is never read.
      spanEvents.onDetection(null);
      spanEvents.onDetection(null);
      return new WeakReference<>(webApp);
    } finally {
      thread.setContextClassLoader(before);
    }
  }
}
