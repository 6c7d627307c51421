package com.example.app;

import io.querylens.testing.AgentJdbc;
import io.querylens.testing.FakePool;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.function.LongUnaryOperator;

/**
 * Application code as the recorder sees it: everything here issues its statements through {@link AgentJdbc}, which
 * stands in for an instrumented driver. Each method is a distinct call site.
 */
public final class CustomerLookups {

  public static final String BY_ID = "select c.id, c.name from customers c where c.id = ?";

  private final Connection connection;

  public CustomerLookups(Connection connection) {
    this.connection = connection;
  }

  /** Creates and fills the schema with plain, unhooked JDBC (querylens does not see it). */
  public static void createSchema(Connection connection, int customers) throws SQLException {
    try (Statement statement = connection.createStatement()) {
      statement.execute("create table customers (id bigint primary key, name varchar(100), note varchar(100))");
      statement.execute("create table orders (id bigint primary key, customer_id bigint, total int)");
      for (int i = 1; i <= customers; i++) {
        statement.execute("insert into customers values (" + i + ", 'customer " + i + "', 'n')");
      }
    }
  }

  /** One select per id, each on a fresh prepared statement: the classic N+1 loop. */
  public void loadEachCustomer(long... ids) throws SQLException {
    for (long id : ids) {
      PreparedStatement statement = AgentJdbc.prepare(connection, BY_ID);
      AgentJdbc.setLong(statement, 1, id);
      AgentJdbc.query(statement);
      AgentJdbc.close(statement);
    }
  }

  /** The same loop on one prepared statement, re-bound each time. */
  public void loadEachCustomerReusingStatement(long... ids) throws SQLException {
    PreparedStatement statement = AgentJdbc.prepare(connection, BY_ID);
    for (long id : ids) {
      AgentJdbc.setLong(statement, 1, id);
      AgentJdbc.query(statement);
    }
    AgentJdbc.close(statement);
  }

  public void loadFromSiteA(long id) throws SQLException {
    PreparedStatement statement = AgentJdbc.prepare(connection, BY_ID);
    AgentJdbc.setLong(statement, 1, id);
    AgentJdbc.query(statement);
    AgentJdbc.close(statement);
  }

  public void loadFromSiteB(long id) throws SQLException {
    PreparedStatement statement = AgentJdbc.prepare(connection, BY_ID);
    AgentJdbc.setLong(statement, 1, id);
    AgentJdbc.query(statement);
    AgentJdbc.close(statement);
  }

  /** Runs an already prepared lookup with {@code id}: the statement may come from another thread. */
  public void runPrepared(PreparedStatement statement, long id) throws SQLException {
    AgentJdbc.setLong(statement, 1, id);
    AgentJdbc.query(statement);
  }

  /** Pages through the customers with OFFSET, {@code pages} pages of 2. */
  public void pageWithOffset(int pages) throws SQLException {
    PreparedStatement statement = AgentJdbc.prepare(connection,
        "select c.id, c.name from customers c order by c.id limit ? offset ?");
    for (int page = 0; page < pages; page++) {
      AgentJdbc.setLong(statement, 1, 2);
      AgentJdbc.setLong(statement, 2, page * 2L);
      AgentJdbc.query(statement);
    }
    AgentJdbc.close(statement);
  }

  /** Pages through the customers by key (keyset pagination), {@code pages} pages of 2. */
  public void pageByKey(int pages) throws SQLException {
    PreparedStatement statement = AgentJdbc.prepare(connection,
        "select c.id, c.name from customers c where c.id > ? order by c.id limit ?");
    for (int page = 0; page < pages; page++) {
      AgentJdbc.setLong(statement, 1, page * 2L);
      AgentJdbc.setLong(statement, 2, 2);
      AgentJdbc.query(statement);
    }
    AgentJdbc.close(statement);
  }

  /** Set-based: three keys per statement. */
  public void loadThreeAtOnce(long first, long second, long third) throws SQLException {
    PreparedStatement statement =
        AgentJdbc.prepare(connection, "select c.id, c.name from customers c where c.id in (?, ?, ?)");
    AgentJdbc.setLong(statement, 1, first);
    AgentJdbc.setLong(statement, 2, second);
    AgentJdbc.setLong(statement, 3, third);
    AgentJdbc.query(statement);
    AgentJdbc.close(statement);
  }

  /** Set-based: an array of keys. */
  public void loadByArray(Long... ids) throws SQLException {
    PreparedStatement statement =
        AgentJdbc.prepare(connection, "select c.id, c.name from customers c where c.id = any(?)");
    Array array = connection.createArrayOf("BIGINT", ids);
    AgentJdbc.setObject(statement, 1, array);
    AgentJdbc.query(statement);
    AgentJdbc.close(statement);
  }

  /** A select whose SQL carries a literal and whose bind value is a name. */
  public void loadByName(String name) throws SQLException {
    PreparedStatement statement = AgentJdbc.prepare(connection,
        "select c.id from customers c where c.name = ? and c.note <> 'LiteralSecret-7781'");
    AgentJdbc.setString(statement, 1, name);
    AgentJdbc.query(statement);
    AgentJdbc.close(statement);
  }

  /** The same lookup, taking at least {@code sleepMillis}. */
  public void loadSlowly(long id, long sleepMillis) throws SQLException {
    PreparedStatement statement = AgentJdbc.prepare(connection, BY_ID);
    AgentJdbc.setLong(statement, 1, id);
    AgentJdbc.querySlowly(statement, sleepMillis);
    AgentJdbc.close(statement);
  }

  /** {@link #loadByName} taking at least {@code sleepMillis}. */
  public void loadByNameSlowly(String name, long sleepMillis) throws SQLException {
    PreparedStatement statement = AgentJdbc.prepare(connection,
        "select c.id from customers c where c.name = ? and c.note <> 'LiteralSecret-7781'");
    AgentJdbc.setString(statement, 1, name);
    AgentJdbc.querySlowly(statement, sleepMillis);
    AgentJdbc.close(statement);
  }

  /** DDL taking at least {@code sleepMillis}. */
  public void createTable(String table, long sleepMillis) throws SQLException {
    try (Statement statement = connection.createStatement()) {
      AgentJdbc.execute(statement, "create table " + table + " (id bigint primary key, label varchar(20))",
          sleepMillis);
    }
  }

  /** Inserts {@code rows} orders in one JDBC batch; returns what executeBatch returned. */
  public int[] insertOrdersInBatch(long firstId, int rows) throws SQLException {
    PreparedStatement statement =
        AgentJdbc.prepare(connection, "insert into orders (id, customer_id, total) values (?, ?, ?)");
    for (int i = 0; i < rows; i++) {
      AgentJdbc.setLong(statement, 1, firstId + i);
      AgentJdbc.setLong(statement, 2, 1 + i % 10);
      AgentJdbc.setLong(statement, 3, 100 + i);
      statement.addBatch();
    }
    int[] result = AgentJdbc.executeBatch(statement);
    AgentJdbc.close(statement);
    return result;
  }

  /** The N+1 loop through a pool's statement wrapper (see {@link FakePool}). */
  public void loadEachCustomerThroughPool(boolean wrapperSeesSql, LongUnaryOperator driverValue, long... ids)
      throws SQLException {
    for (long id : ids) {
      PreparedStatement statement = FakePool.prepare(connection, BY_ID, wrapperSeesSql, driverValue);
      statement.setLong(1, id);
      statement.executeQuery();
      statement.close();
    }
  }

  /** One query in its own transaction per id. */
  public void loadEachInItsOwnTransaction(long... ids) throws SQLException {
    for (long id : ids) {
      AgentJdbc.setAutoCommit(connection, false);
      loadFromSiteA(id);
      AgentJdbc.commit(connection);
      AgentJdbc.setAutoCommit(connection, true);
    }
  }

  /** Manual commit throughout; one query then a commit per id. */
  public void loadEachThenCommit(long... ids) throws SQLException {
    AgentJdbc.setAutoCommit(connection, false);
    for (long id : ids) {
      loadFromSiteA(id);
      AgentJdbc.commit(connection);
    }
    AgentJdbc.setAutoCommit(connection, true);
  }

  /** One query per id, all in one transaction. */
  public void loadAllInOneTransaction(long... ids) throws SQLException {
    AgentJdbc.setAutoCommit(connection, false);
    for (long id : ids) {
      loadFromSiteA(id);
    }
    AgentJdbc.commit(connection);
    AgentJdbc.setAutoCommit(connection, true);
  }
}
