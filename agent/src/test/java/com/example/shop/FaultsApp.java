package com.example.shop;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/**
 * A database that dies in the middle of a run, seen by a plain JDBC program: {@code FaultsApp database-dies <table>}.
 * Prints each step's outcome (a result, or the error's class and SQL state) so that runs with and without the agent
 * can be compared line by line. H2 shuts down; PostgreSQL terminates the connection's backend.
 */
public final class FaultsApp {

  private FaultsApp() {}

  @FunctionalInterface
  private interface Step {
    String run() throws Exception;
  }

  public static void main(String[] args) throws Exception {
    String table = args[1];
    List<String> steps = new ArrayList<>();
    Connection connection = Db.connect();
    try {
      step(steps, () -> update(connection, "create table " + table + " (id int primary key, amount int)"));
      step(steps, () -> update(connection, "insert into " + table + " values (1, 10), (2, 20), (3, 30)"));
      step(steps, () -> query(connection, "select sum(amount) from " + table + " where id > ?", 0));
      kill(connection);
      step(steps, () -> query(connection, "select sum(amount) from " + table + " where id > ?", 1));
      step(steps, () -> update(connection, "insert into " + table + " values (4, 40)"));
      step(steps, () -> String.valueOf(connection.isValid(1)));
      step(steps, () -> {
        connection.close();
        return "closed";
      });
      step(steps, () -> {
        try (Connection again = Db.connect()) {
          return query(again, "select count(*) from " + table + " where id > ?", 0);
        }
      });
    } finally {
      try {
        connection.close();
      } catch (SQLException alreadyGone) {
        // as expected
      }
      if (Db.isPostgres()) {
        try (Connection cleanup = Db.connect(); Statement statement = cleanup.createStatement()) {
          statement.execute("drop table if exists " + table);
        }
      }
    }
    steps.forEach(step -> System.out.println("step " + step));
  }

  private static void step(List<String> steps, Step step) {
    try {
      steps.add("ok " + step.run());
    } catch (SQLException failed) {
      steps.add("error " + failed.getClass().getName() + " " + failed.getSQLState());
    } catch (Exception failed) {
      steps.add("error " + failed.getClass().getName());
    }
  }

  private static String update(Connection connection, String sql) throws SQLException {
    try (Statement statement = connection.createStatement()) {
      return String.valueOf(statement.executeUpdate(sql));
    }
  }

  private static String query(Connection connection, String sql, int above) throws SQLException {
    try (PreparedStatement statement = connection.prepareStatement(sql)) {
      statement.setInt(1, above);
      try (ResultSet rows = statement.executeQuery()) {
        return rows.next() ? String.valueOf(rows.getLong(1)) : "no row";
      }
    }
  }

  private static void kill(Connection victim) throws SQLException {
    if (Db.isPostgres()) {
      int pid;
      try (Statement statement = victim.createStatement();
          ResultSet rows = statement.executeQuery("select pg_backend_pid()")) {
        rows.next();
        pid = rows.getInt(1);
      }
      try (Connection killer = Db.connect(); Statement statement = killer.createStatement()) {
        statement.execute("select pg_terminate_backend(" + pid + ")");
      }
    } else if (Db.url().startsWith("jdbc:h2:")) {
      try (Statement statement = victim.createStatement()) {
        statement.execute("shutdown");
      }
    } else {
      throw new IllegalArgumentException("this scenario kills only H2 or a PostgreSQL backend: " + Db.url());
    }
  }
}
