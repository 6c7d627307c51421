package com.example.shop;

import io.micrometer.core.instrument.FunctionTimer;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Metrics;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Properties;

/**
 * The web application {@link Redeploy} deploys, each time loaded by a web-app class loader of its own with its own H2
 * driver and its own Micrometer: it connects through that driver instance (not {@code DriverManager}), serves one
 * request that looks up 40 profiles one at a time (an N+1), reads querylens' meters from a registry it added to its
 * {@code Metrics.globalRegistry} (as Spring Boot does), and on undeploy deregisters its driver and its registry, as a
 * well-behaved web app does.
 */
public final class RedeployedApp {

  private final org.h2.Driver driver = org.h2.Driver.load();
  private final MeterRegistry registry = new SimpleMeterRegistry();

  public RedeployedApp() {
    Metrics.addRegistry(registry);
  }

  /** One request: 40 users, then each one's profile by its own query. Returns a summary of what it read. */
  public String serve() throws SQLException {
    // No DB_CLOSE_DELAY: the in-memory database goes away with its one connection.
    try (Connection connection = driver.connect("jdbc:h2:mem:redeployed", new Properties())) {
      try (Statement statement = connection.createStatement()) {
        statement.execute("create table profiles (id bigint primary key, user_id bigint not null, bio varchar(200))");
        statement.execute("insert into profiles select 1000 + x, x, concat('bio of user ', x) from system_range(1, 40)");
      }
      int found = 0;
      String last = null;
      for (long user = 1; user <= 40; user++) {
        last = bio(connection, user);
        found += last != null ? 1 : 0;
      }
      return found + " profiles, the last: " + last + ", loaded by " + getClass().getClassLoader().getName();
    }
  }

  private static String bio(Connection connection, long user) throws SQLException {
    try (PreparedStatement statement = connection.prepareStatement(
        "select p.id, p.bio from profiles p where p.user_id = ?")) {
      statement.setLong(1, user);
      try (ResultSet rows = statement.executeQuery()) {
        return rows.next() ? rows.getString(2) : null;
      }
    }
  }

  /**
   * The statements querylens counted, as its {@code querylens.statements} meters in this application's registry say,
   * waiting up to {@code waitMillis} for them to be there (querylens adds its meters about every second).
   */
  public String querylensMeters(long waitMillis) throws InterruptedException {
    long deadline = System.currentTimeMillis() + waitMillis;
    double statements = statementsMetered();
    while (statements == 0 && System.currentTimeMillis() < deadline) {
      Thread.sleep(50);
      statements = statementsMetered();
    }
    return String.format(java.util.Locale.ROOT, "querylens.statements %.0f", statements);
  }

  private double statementsMetered() {
    return registry.find("querylens.statements").functionTimers().stream().mapToDouble(FunctionTimer::count).sum();
  }

  /** Undeploy: H2's driver registered itself with DriverManager when its class was initialised. */
  public void undeploy() {
    org.h2.Driver.unload();
    Metrics.removeRegistry(registry);
  }
}
