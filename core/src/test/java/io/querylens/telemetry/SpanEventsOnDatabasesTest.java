package io.querylens.telemetry;

import static org.assertj.core.api.Assertions.assertThat;

import com.example.shipping.CarrierDashboard;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Scope;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.EventData;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import io.querylens.config.Settings;
import io.querylens.testing.PoolLens;
import io.querylens.testing.TestDatabases.TestDatabase;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Findings on the request's trace, on real databases, with OpenTelemetry's SDK in the application: the span current
 * while a request runs an N+1 gets a {@code querylens.finding} event with the type, shape and call site; a clean
 * request's span gets none; with {@code traces.span.events=false} nothing is added.
 */
@ParameterizedClass(name = "on {0}")
@MethodSource("io.querylens.testing.TestDatabases#all")
class SpanEventsOnDatabasesTest {

  @Parameter TestDatabase database;

  private final InMemorySpanExporter spans = InMemorySpanExporter.create();
  private final SdkTracerProvider provider =
      SdkTracerProvider.builder().addSpanProcessor(SimpleSpanProcessor.create(spans)).build();
  private final Tracer tracer = provider.get("test");
  private PoolLens lens;
  private CarrierDashboard dashboard;

  private void start(boolean spanEvents) throws Exception {
    lens = new PoolLens(database, settings -> settings.set(Settings.INDEX_ADVICE, false)
        .set(Settings.TRACES_SPAN_EVENTS, spanEvents));
    dashboard = new CarrierDashboard(lens.shipments("traced", 2_000));
  }

  @AfterEach
  void close() throws Exception {
    provider.close();
    if (lens != null) {
      lens.close();
    }
  }

  /** Runs {@code work} as a traced HTTP request, the way an instrumented server would: span outside, unit inside. */
  private SpanData tracedRequest(String uri, String route, PoolLens.Work work) throws Exception {
    Span span = tracer.spanBuilder("GET " + route).startSpan();
    try (Scope ignored = span.makeCurrent()) {
      PoolLens.request(uri, route, work);
    } finally {
      span.end();
    }
    return spans.getFinishedSpanItems().get(spans.getFinishedSpanItems().size() - 1);
  }

  @Test
  void anNPlusOneIsAnEventOnItsRequestsSpanAndACleanRequestHasNone() throws Exception {
    start(true);
    SpanData clean = tracedRequest("/carriers/17", "/carriers/{carrierId}", () -> dashboard.summary(17));
    SpanData chatty = tracedRequest("/carriers", "/carriers", () -> dashboard.everyCarrier(12));

    assertThat(clean.getEvents()).isEmpty();
    List<EventData> events = chatty.getEvents();
    assertThat(events).singleElement().satisfies(event -> {
      assertThat(event.getName()).isEqualTo(SpanEvents.EVENT);
      assertThat(event.getAttributes().get(AttributeKey.stringKey("querylens.finding.type"))).isEqualTo("N_PLUS_ONE");
      assertThat(event.getAttributes().get(AttributeKey.stringKey("querylens.finding.severity"))).isEqualTo("WARN");
      assertThat(event.getAttributes().get(AttributeKey.stringKey("querylens.detector"))).isEqualTo("n-plus-one");
      assertThat(event.getAttributes().get(AttributeKey.stringKey("querylens.sql")))
          .startsWith("select id, note from traced_").endsWith(" where carrier_id = ?");
      assertThat(event.getAttributes().get(AttributeKey.stringKey("querylens.call_site")))
          .startsWith("com.example.shipping.Shipments.byCarrier(Shipments.java:");
      assertThat(event.getAttributes().get(AttributeKey.longKey("querylens.count"))).isEqualTo(12L);
      assertThat(event.getAttributes().get(AttributeKey.stringKey("querylens.unit"))).isEqualTo("request GET /carriers");
    });
    assertThat(chatty.getEvents().toString()).doesNotContain("carrier_id = 3");
  }

  @Test
  void switchedOffNothingIsAdded() throws Exception {
    start(false);
    SpanData chatty = tracedRequest("/carriers", "/carriers", () -> dashboard.everyCarrier(12));

    assertThat(chatty.getEvents()).isEmpty();
    lens.runtime.flush();
    assertThat(lens.runtime.findings()).isNotEmpty();
  }
}
