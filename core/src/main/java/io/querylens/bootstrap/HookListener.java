package io.querylens.bootstrap;

/**
 * Receives what instrumented JDBC, servlet and logging code reports through {@link Hooks}.
 *
 * <p>This type is loaded by the bootstrap class loader when the agent runs, so it may only mention {@code java.base}
 * types: {@code java.sql} is not visible from the bootstrap loader, hence the {@code Object} parameters.
 *
 * <p>Implementations must never throw and never block: they run inside the application's JDBC calls.
 */
public interface HookListener {

  /** The listener used until one is installed: ignores everything. */
  HookListener NO_OP = new HookListener() {};

  /**
   * A statement is about to run. Returns an opaque scope handed back to {@link #afterExecute}, or null.
   *
   * @param statement the {@code java.sql.Statement}
   * @param sql the SQL passed to {@code execute*(String)}, or null for a prepared statement's {@code execute*()}
   */
  default Object beforeExecute(Object statement, String sql) {
    return null;
  }

  /** A statement has run (or thrown {@code thrown}). */
  default void afterExecute(Object scope, Throwable thrown) {}

  /** {@code executeBatch()} / {@code executeLargeBatch()} is about to run. Returns a scope for {@link #afterBatch}. */
  default Object beforeBatch(Object statement) {
    return null;
  }

  /**
   * A batch has run (or thrown {@code thrown}).
   *
   * @param result what {@code executeBatch} returned (an {@code int[]} or {@code long[]} with one entry per row), or
   *     null when it threw
   */
  default void afterBatch(Object scope, Throwable thrown, Object result) {}

  /** {@code addBatch(String sql)} on a plain statement. */
  default void onAddBatch(Object statement, String sql) {}

  /** {@code clearBatch()}. */
  default void onClearBatch(Object statement) {}

  /** {@code Connection.prepareStatement/prepareCall(sql, ...)} returned {@code statement}. */
  default void onPrepared(Object statement, String sql) {}

  /** An integral parameter was bound ({@code setInt}, {@code setLong}, ...). */
  default void onBindLong(Object statement, int index, long value) {}

  /** A floating-point parameter was bound. */
  default void onBindDouble(Object statement, int index, double value) {}

  /** Any other parameter was bound ({@code setString}, {@code setObject}, {@code setNull}, ...). */
  default void onBindObject(Object statement, int index, Object value) {}

  /** {@code clearParameters()}. */
  default void onClearParameters(Object statement) {}

  /** {@code Statement.close()}. */
  default void onStatementClosed(Object statement) {}

  /** {@code Connection.setAutoCommit(autoCommit)} is about to run. */
  default void onAutoCommit(Object connection, boolean autoCommit) {}

  /** {@code Connection.commit()} is about to run. */
  default void onCommit(Object connection) {}

  /** {@code Connection.rollback()} is about to run. */
  default void onRollback(Object connection) {}

  /**
   * {@code Connection.close()} is about to run. Returns a token to hand to {@link #afterConnectionClosed} when the
   * close has returned or thrown, or null when that is not needed.
   */
  default Object onConnectionClosed(Object connection) {
    return null;
  }

  /** The {@code close()} whose {@link #onConnectionClosed} returned {@code token} has returned or thrown. */
  default void afterConnectionClosed(Object token) {}

  /**
   * {@code DataSource.getConnection()} or {@code Driver.connect(...)} is about to run. Returns a scope for
   * {@link #afterGetConnection}, or null.
   *
   * @param source the {@code javax.sql.DataSource} or {@code java.sql.Driver}
   */
  default Object beforeGetConnection(Object source) {
    return null;
  }

  /** Statements and connections of the calling thread (one of querylens' own) are not to be recorded. */
  default void suppressCurrentThread() {}

  /**
   * {@code DataSource.getConnection(user, password)} is about to run: as {@link #beforeGetConnection}; querylens will
   * not open connections from this source itself (it would not know as whom).
   */
  default Object beforeGetConnectionWithCredentials(Object source) {
    return beforeGetConnection(source);
  }

  /**
   * {@code Driver.connect(url, info)} is about to run: as {@link #beforeGetConnection}, with the URL and properties
   * (credentials included: kept in memory only, to connect for an EXPLAIN; never logged).
   */
  default Object beforeConnect(Object driver, String url, java.util.Properties info) {
    return beforeGetConnection(driver);
  }

  /**
   * The call begun with {@link #beforeGetConnection} returned {@code connection} (null when it threw {@code thrown},
   * or when a driver declined the URL).
   */
  default void afterGetConnection(Object scope, Object source, Object connection, Throwable thrown) {}

  /**
   * A unit of work begins on this thread (an HTTP request, an explicit scope). Returns a scope for {@link #endUnit},
   * or null when an outer unit is already open (the outermost unit counts).
   *
   * @param kind "request" or "scope"
   * @param name what the unit is, e.g. {@code GET /feed}
   */
  default Object beginUnit(String kind, String name) {
    return null;
  }

  /**
   * An HTTP request begins on this thread ({@code HttpServlet.service}). Returns a scope for {@link #endUnit}, or null
   * when an outer unit is already open.
   */
  default Object beginRequest(String method, String uri) {
    return null;
  }

  /** Ends a unit of work begun by {@link #beginUnit} or {@link #beginRequest}; null is ignored. */
  default void endUnit(Object scope) {}

  /**
   * Ends a request begun by {@link #beginRequest}, naming it after the route template the web framework matched
   * ({@code route}, e.g. {@code /owners/{ownerId}}, under {@code contextPath}) when it exposes one, else null.
   */
  default void endRequest(Object scope, String contextPath, String route) {
    endUnit(scope);
  }

  /** The application's SLF4J has initialised: {@code loggerFactory} is its {@code org.slf4j.LoggerFactory} class. */
  default void onLoggerFactoryReady(Class<?> loggerFactory) {}

  /** Advice code threw; the instrumented method went on as if it had not. */
  default void onAdviceError(Throwable error) {}
}
