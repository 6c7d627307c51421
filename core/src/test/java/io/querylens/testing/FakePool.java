package io.querylens.testing;

import io.querylens.bootstrap.Hooks;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;

/**
 * A connection pool's statement wrapper, as HikariCP's {@code HikariProxyPreparedStatement}: both the wrapper and the
 * driver's statement it delegates to are instrumented, so every prepare, bind and execute reports twice, the driver's
 * nested inside the wrapper's.
 */
public final class FakePool {

  private FakePool() {}

  /**
   * Prepares {@code sql} on the driver (hooked) and wraps the statement. The wrapper is reported as prepared too when
   * {@code wrapperSeesSql}; otherwise it is as if it had been prepared before querylens could see it.
   *
   * <p>The wrapper's {@code executeQuery()} reads every row and returns null; {@code setLong} binds {@code value} on
   * the wrapper and {@code driverValue.applyAsLong(value)} on the driver's statement.
   */
  public static PreparedStatement prepare(
      Connection connection, String sql, boolean wrapperSeesSql, java.util.function.LongUnaryOperator driverValue)
      throws SQLException {
    PreparedStatement driver = AgentJdbc.prepare(connection, sql);
    PreparedStatement wrapper = (PreparedStatement) Proxy.newProxyInstance(FakePool.class.getClassLoader(),
        new Class<?>[] {PreparedStatement.class}, (proxy, method, args) -> {
          switch (method.getName()) {
            case "setLong" -> {
              int index = (Integer) args[0];
              long value = (Long) args[1];
              Hooks.onBindLong(proxy, index, value);
              AgentJdbc.setLong(driver, index, driverValue.applyAsLong(value));
              return null;
            }
            case "executeQuery" -> {
              Object scope = Hooks.beforeExecute(proxy, null);
              Throwable thrown = null;
              try {
                AgentJdbc.query(driver);
                return null;
              } catch (SQLException | RuntimeException failed) {
                thrown = failed;
                throw failed;
              } finally {
                Hooks.afterExecute(scope, thrown);
              }
            }
            case "close" -> {
              Hooks.onStatementClosed(proxy);
              AgentJdbc.close(driver);
              return null;
            }
            default -> {
              try {
                return method.invoke(driver, args);
              } catch (InvocationTargetException failed) {
                throw failed.getCause();
              }
            }
          }
        });
    if (wrapperSeesSql) {
      Hooks.onPrepared(wrapper, sql);
    }
    return wrapper;
  }
}
