package com.example.pool;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import javax.sql.DataSource;

/** Application code that takes a connection and forgets to close it: the taker a leak finding should name. */
public final class ExportTask {

  private final DataSource dataSource;
  private final String table;

  public ExportTask(DataSource dataSource, String table) {
    this.dataSource = dataSource;
    this.table = table;
  }

  /** Starts an export: the connection stays open, returned to the caller who does not close it. */
  public Connection start() throws SQLException {
    Connection connection = dataSource.getConnection();
    Statement statement = connection.createStatement();
    try (ResultSet rows = statement.executeQuery("select id, amount from " + table + " where account_id = 1")) {
      while (rows.next()) {
        rows.getLong(1);
      }
    }
    return connection;
  }

  /** Takes a connection, runs one query and closes it, as it should. */
  public void runProperly() throws SQLException {
    try (Connection connection = dataSource.getConnection();
        Statement statement = connection.createStatement();
        ResultSet rows = statement.executeQuery("select id from " + table + " where account_id = 2")) {
      while (rows.next()) {
        rows.getLong(1);
      }
    }
  }
}
