package com.example.shelf;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.ApplicationArguments;
import org.springframework.boot.ApplicationRunner;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.annotation.Order;
import org.springframework.stereotype.Component;
import org.springframework.web.client.RestClient;

/**
 * The demo: calls the shop's own endpoints over HTTP, like a user would, then shuts the application down so that
 * querylens prints its summary. Skipped with {@code --serve}.
 */
@Component
@Order(2)
class DemoRun implements ApplicationRunner {

  private static final Logger LOG = LoggerFactory.getLogger(DemoRun.class);

  private final ConfigurableApplicationContext context;

  DemoRun(ConfigurableApplicationContext context) {
    this.context = context;
  }

  @Override
  public void run(ApplicationArguments args) {
    if (args.containsOption("serve")) {
      LOG.info("Serving on port {}: try /authors, /authors/fixed, /authors/7/overview, /reports/top-customers, "
          + "/orders?customer=customer1@example.com and /actuator/prometheus",
          port());
      return;
    }
    RestClient client = RestClient.create("http://localhost:" + port());
    for (int i = 0; i < 3; i++) {
      LOG.info("GET /authors -> {} bytes", client.get().uri("/authors").retrieve().body(String.class).length());
    }
    LOG.info("GET /authors/fixed -> {} bytes",
        client.get().uri("/authors/fixed").retrieve().body(String.class).length());
    for (int minAmount = 0; minAmount < 3; minAmount++) {
      LOG.info("GET /reports/top-customers -> {} bytes", client.get()
          .uri("/reports/top-customers?minAmount={amount}", minAmount).retrieve().body(String.class).length());
    }
    for (int customer = 1; customer <= 3; customer++) {
      LOG.info("GET /orders?customer=customer{}@example.com -> {} bytes", customer, client.get()
          .uri("/orders?customer={email}", "customer" + customer + "@example.com").retrieve().body(String.class)
          .length());
    }
    LOG.info("GET /authors/7/overview -> {} bytes",
        client.get().uri("/authors/7/overview").retrieve().body(String.class).length());
    // querylens' meters, through Spring Boot's own Prometheus endpoint (a new endpoint's meters come within a second).
    pause(1_500);
    client.get().uri("/actuator/prometheus").retrieve().body(String.class).lines()
        .filter(line -> line.startsWith("querylens_statements_seconds_count")
            || line.startsWith("querylens_endpoint_statements_total") || line.startsWith("querylens_findings_total"))
        .filter(line -> !line.endsWith(" 0.0"))
        .forEach(line -> LOG.info("metric {}", line));
    LOG.info("Demo done; shutting down.");
    System.exit(SpringApplication.exit(context, () -> 0));
  }

  private static void pause(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException interrupted) {
      Thread.currentThread().interrupt();
    }
  }

  private int port() {
    return ((WebServerApplicationContext) context).getWebServer().getPort();
  }
}
