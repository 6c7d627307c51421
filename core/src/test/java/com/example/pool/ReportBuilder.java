package com.example.pool;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import javax.sql.DataSource;

/** Application code that holds a connection while it works: the holder a pool-exhaustion finding should name. */
public final class ReportBuilder {

  private final DataSource dataSource;
  private final String table;

  public ReportBuilder(DataSource dataSource, String table) {
    this.dataSource = dataSource;
    this.table = table;
  }

  /** Takes a connection, reads one account's entries, and keeps the connection {@code holdMillis} longer. */
  public long build(long accountId, long holdMillis) throws SQLException, InterruptedException {
    try (Connection connection = dataSource.getConnection();
        PreparedStatement select = connection.prepareStatement(
            "select count(*) from " + table + " where account_id = ?")) {
      select.setLong(1, accountId);
      long count;
      try (ResultSet rows = select.executeQuery()) {
        rows.next();
        count = rows.getLong(1);
      }
      Thread.sleep(holdMillis);
      return count;
    }
  }

  /** Creates the table with a few entries per account. */
  public static void createSchema(DataSource dataSource, String table) throws SQLException {
    try (Connection connection = dataSource.getConnection();
        var statement = connection.createStatement()) {
      statement.execute("create table " + table + " (id bigint primary key, account_id bigint, amount bigint)");
      statement.execute("insert into " + table + " values (1, 1, 10), (2, 1, 20), (3, 2, 30)");
    }
  }
}
