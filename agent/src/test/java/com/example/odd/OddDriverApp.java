package com.example.odd;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/**
 * A plain JDBC program on the {@link OddDriver}: {@code OddDriverApp <lookups>}. Prints each step's outcome (a result,
 * or the error's class and SQL state) so that runs with and without the agent can be compared line by line, then the
 * number of statements it sent to the driver. The last step is an N+1: {@code lookups} prepared queries in a loop.
 */
public final class OddDriverApp {

  private OddDriverApp() {}

  @FunctionalInterface
  private interface Step {
    String run() throws Exception;
  }

  public static void main(String[] args) throws Exception {
    int lookups = Integer.parseInt(args[0]);
    Class.forName("com.example.odd.OddDriver");
    List<String> steps = new ArrayList<>();
    Connection connection = DriverManager.getConnection("jdbc:odd:shop");
    step(steps, () -> {
      try (PreparedStatement statement = connection.prepareStatement("select id from orders where id = ?")) {
        statement.setLong(1, 42);
        ResultSet rows = statement.executeQuery();
        return rows == null ? "null result set" : "a result set";
      }
    });
    step(steps, () -> {
      try (PreparedStatement statement = connection.prepareStatement("update orders set total = ? where id = ?")) {
        statement.setInt(1, 1);
        statement.setString(2, "x");
        return String.valueOf(statement.executeUpdate());
      }
    });
    step(steps, () -> {
      try (PreparedStatement statement = connection.prepareStatement("update orders set total = ? where id = ?")) {
        statement.setInt(1, 1);
        statement.setLong(2, 7);
        return String.valueOf(statement.executeUpdate());
      }
    });
    step(steps, () -> {
      try (Statement statement = connection.createStatement()) {
        boolean result = statement.execute("select 1");
        return result + " " + statement.getUpdateCount();
      }
    });
    step(steps, () -> {
      try (Statement statement = connection.createStatement()) {
        statement.addBatch("insert into orders values (1)");
        statement.addBatch("insert into orders values (2)");
        int[] counts = statement.executeBatch();
        return counts == null ? "null counts" : counts.length + " counts";
      }
    });
    step(steps, () -> {
      try (Statement statement = connection.createStatement();
          ResultSet rows = statement.executeQuery("select count(*) from orders")) {
        return rows.next() + " " + rows.getLong(1) + " " + rows.next() + " " + rows.getMetaData();
      }
    });
    step(steps, () -> String.valueOf(connection.getMetaData()));
    step(steps, () -> {
      connection.setAutoCommit(false);
      connection.commit();
      return "committed";
    });
    step(steps, () -> {
      connection.rollback();
      return "rolled back";
    });
    step(steps, () -> String.valueOf(connection.isClosed()));
    step(steps, connection::toString);
    step(steps, () -> String.valueOf(connection.hashCode()));
    step(steps, () -> {
      int nulls = 0;
      for (int id = 1; id <= lookups; id++) {
        try (PreparedStatement statement = connection.prepareStatement("select name from users where id = ?")) {
          statement.setLong(1, id);
          nulls += statement.executeQuery() == null ? 1 : 0;
        }
      }
      return nulls + " of " + lookups + " lookups gave null";
    });
    step(steps, () -> {
      connection.close();
      return "closed";
    });
    steps.forEach(step -> System.out.println("step " + step));
    // Those that reached the driver's execute methods: the query, the second update, the execute, the batch, the
    // plain query and the lookups (the first update failed binding).
    System.out.println("statements issued: " + (5 + lookups));
  }

  private static void step(List<String> steps, Step step) {
    try {
      steps.add("ok " + step.run());
    } catch (SQLException failed) {
      steps.add("error " + failed.getClass().getName() + " " + failed.getSQLState());
    } catch (Exception failed) {
      steps.add("error " + failed.getClass().getName() + " " + failed.getMessage());
    }
  }
}
