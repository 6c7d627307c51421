package com.example.jdbcshapes;

import java.sql.SQLException;

/** Implements a JDBC interface through an interface of its own. */
public abstract class ImplementsJdbc implements JdbcInterface {
  @Override
  public void close() throws SQLException {}
}
