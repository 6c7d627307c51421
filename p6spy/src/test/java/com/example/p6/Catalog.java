package com.example.p6;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import javax.sql.DataSource;

/** A small application that reads and writes a catalog, well and badly, through whatever data source it is given. */
public final class Catalog {

  private final DataSource dataSource;
  private final String table;

  public Catalog(DataSource dataSource, String table) {
    this.dataSource = dataSource;
    this.table = table;
  }

  public void create(int items) throws SQLException {
    try (Connection connection = dataSource.getConnection(); Statement statement = connection.createStatement()) {
      statement.execute("drop table if exists " + table);
      statement.execute("create table " + table + " (id bigint primary key, name varchar(100) not null)");
    }
    insertBatch(1, items);
  }

  public void insertBatch(int first, int items) throws SQLException {
    try (Connection connection = dataSource.getConnection();
        PreparedStatement insert = connection.prepareStatement("insert into " + table + " (id, name) values (?, ?)")) {
      for (int i = first; i < first + items; i++) {
        insert.setLong(1, i);
        insert.setString(2, "item " + i);
        insert.addBatch();
      }
      insert.executeBatch();
    }
  }

  /** One select per id. */
  public int namesOneByOne(int from, int to) throws SQLException {
    int found = 0;
    try (Connection connection = dataSource.getConnection()) {
      for (int id = from; id <= to; id++) {
        found += name(connection, id) == null ? 0 : 1;
      }
    }
    return found;
  }

  /** The same id again and again. */
  public void sameNameTimes(int id, int times) throws SQLException {
    try (Connection connection = dataSource.getConnection()) {
      for (int i = 0; i < times; i++) {
        name(connection, id);
      }
    }
  }

  /** A transaction that renames one item. */
  public int rename(int id, String name) throws SQLException {
    try (Connection connection = dataSource.getConnection()) {
      connection.setAutoCommit(false);
      try (PreparedStatement update = connection.prepareStatement("update " + table + " set name = ? where id = ?")) {
        update.setString(1, name);
        update.setLong(2, id);
        int rows = update.executeUpdate();
        connection.commit();
        return rows;
      }
    }
  }

  /** A statement the database refuses. */
  public void broken() throws SQLException {
    try (Connection connection = dataSource.getConnection(); Statement statement = connection.createStatement()) {
      statement.executeQuery("select no_such_column from " + table);
    }
  }

  private String name(Connection connection, long id) throws SQLException {
    try (PreparedStatement select = connection.prepareStatement("select name from " + table + " where id = ?")) {
      select.setLong(1, id);
      try (ResultSet rows = select.executeQuery()) {
        return rows.next() ? rows.getString(1) : null;
      }
    }
  }

  /** Opens a connection, reads one name, and hands the connection back open: a leak. */
  public java.sql.Connection openForExport() throws SQLException {
    Connection connection = dataSource.getConnection();
    try (Statement statement = connection.createStatement()) {
      statement.executeQuery("select name from " + table + " where id = 1").close();
    }
    return connection;
  }
}
