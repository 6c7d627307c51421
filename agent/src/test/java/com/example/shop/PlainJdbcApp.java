package com.example.shop;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Plain JDBC scenarios, one per argument: {@code nplusone}, {@code fixed}, {@code slow}, {@code fast}, {@code error},
 * {@code repeat-across-units}. Prints its results to stdout so runs with and without the agent can be compared.
 */
public final class PlainJdbcApp {

  private static final Logger LOG = LoggerFactory.getLogger(PlainJdbcApp.class);

  public static void main(String[] args) throws Exception {
    LOG.info("scenario {} on {}", args[0], Db.isPostgres() ? "postgresql" : "h2");
    try (Connection connection = Db.connect()) {
      Db.seedUsersAndProfiles(connection, 40);
      switch (args[0]) {
        case "nplusone" -> new FeedService(connection).renderWithNPlusOne().forEach(System.out::println);
        case "fixed" -> new FeedService(connection).renderWithOneQuery().forEach(System.out::println);
        case "slow" -> slow(connection);
        case "fast" -> fast(connection);
        case "error" -> error(connection);
        case "repeat-across-units" -> repeatAcrossUnits(connection);
        default -> throw new IllegalArgumentException(args[0]);
      }
    }
    LOG.info("scenario {} done", args[0]);
  }

  private static void slow(Connection connection) throws SQLException {
    try (Statement statement = connection.createStatement()) {
      if (Db.isPostgres()) {
        statement.execute("select pg_sleep(0.25)");
      } else {
        statement.execute("create alias if not exists sleep_ms for 'com.example.shop.PlainJdbcApp.sleep'");
        statement.execute("call sleep_ms(250)");
      }
    }
    System.out.println("slept");
  }

  /** Called by H2 for {@code call sleep_ms(250)}. */
  public static void sleep(long millis) throws InterruptedException {
    Thread.sleep(millis);
  }

  private static void fast(Connection connection) throws SQLException {
    try (PreparedStatement statement = connection.prepareStatement("select name from users where id = ?")) {
      statement.setLong(1, 7);
      try (ResultSet rows = statement.executeQuery()) {
        rows.next();
        System.out.println(rows.getString(1));
      }
    }
  }

  private static void error(Connection connection) {
    try (Statement statement = connection.createStatement()) {
      statement.executeQuery("select no_such_column from users");
      System.out.println("no error?");
    } catch (SQLException expected) {
      System.out.println(expected.getClass().getName() + " " + expected.getSQLState() + " " + expected.getErrorCode()
          + " " + expected.getMessage().lines().findFirst().orElse(""));
    }
    try (PreparedStatement statement = connection.prepareStatement("insert into users (id, name) values (?, ?)")) {
      statement.setLong(1, 1);
      statement.setString(2, "duplicate");
      statement.executeUpdate();
      System.out.println("no error?");
    } catch (SQLException expected) {
      System.out.println(expected.getClass().getName() + " " + expected.getSQLState());
    }
  }

  /** One lookup per "request", with pauses between them: not an N+1. */
  private static void repeatAcrossUnits(Connection connection) throws Exception {
    for (int i = 1; i <= 8; i++) {
      try (PreparedStatement statement = connection.prepareStatement("select name from users where id = ?")) {
        statement.setLong(1, i);
        try (ResultSet rows = statement.executeQuery()) {
          rows.next();
          System.out.println(rows.getString(1));
        }
      }
      Thread.sleep(300);
    }
  }
}
