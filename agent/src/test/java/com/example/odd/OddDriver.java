package com.example.odd;

import java.sql.Connection;
import java.sql.Driver;
import java.sql.DriverManager;
import java.sql.DriverPropertyInfo;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.util.Properties;
import java.util.logging.Logger;

/**
 * A JDBC driver for {@code jdbc:odd:} URLs that does what real drivers are not supposed to: see {@link OddConnection},
 * {@link OddStatement} and {@link OddResultSet}. It reaches no database. Registered with {@link DriverManager} when the
 * class loads, as drivers are. (Its own {@code toString} works: {@code DriverManager} calls it while registering.)
 */
public final class OddDriver implements Driver {

  static {
    try {
      DriverManager.registerDriver(new OddDriver());
    } catch (SQLException cannotRegister) {
      throw new ExceptionInInitializerError(cannotRegister);
    }
  }

  @Override
  public Connection connect(String url, Properties info) throws SQLException {
    return acceptsURL(url) ? new OddConnection() : null;
  }

  @Override
  public boolean acceptsURL(String url) {
    return url != null && url.startsWith("jdbc:odd:");
  }

  @Override
  public DriverPropertyInfo[] getPropertyInfo(String url, Properties info) {
    return null;
  }

  @Override
  public int getMajorVersion() {
    return 0;
  }

  @Override
  public int getMinorVersion() {
    return 0;
  }

  @Override
  public boolean jdbcCompliant() {
    return false;
  }

  @Override
  public Logger getParentLogger() throws SQLFeatureNotSupportedException {
    throw new SQLFeatureNotSupportedException("no logger");
  }
}
