package com.example.jdbcshapes;

import java.sql.SQLException;

/** Implements a JDBC interface through its superclass. */
public abstract class ExtendsAnImplementation extends ImplementsJdbc {
  @Override
  public void close() throws SQLException {}
}
