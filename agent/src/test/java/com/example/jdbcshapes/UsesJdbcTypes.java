package com.example.jdbcshapes;

import java.sql.Connection;
import java.sql.SQLException;

/** A data access class: names JDBC types, implements no JDBC interface. */
public final class UsesJdbcTypes {
  public int isolation(Connection connection) throws SQLException {
    return connection.getTransactionIsolation();
  }
}
