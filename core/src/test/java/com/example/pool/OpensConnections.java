package com.example.pool;

import java.sql.Connection;
import java.sql.SQLException;
import javax.sql.DataSource;

/** Application code taking a connection (its frame is the call site querylens records). */
public final class OpensConnections {

  private OpensConnections() {}

  public static Connection open(DataSource source) throws SQLException {
    return source.getConnection();
  }
}
