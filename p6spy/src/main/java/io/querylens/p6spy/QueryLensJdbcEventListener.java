package io.querylens.p6spy;

import com.p6spy.engine.common.ConnectionInformation;
import com.p6spy.engine.common.PreparedStatementInformation;
import com.p6spy.engine.common.StatementInformation;
import com.p6spy.engine.event.JdbcEventListener;
import io.querylens.bootstrap.Hooks;
import java.sql.SQLException;
import java.util.ArrayDeque;

/**
 * Turns p6spy's events into the hooks the agent's instrumentation calls. p6spy's {@code StatementInformation} and
 * {@code ConnectionInformation} (one per wrapped statement and connection) stand for the statement and the
 * connection. Never throws into p6spy: the hooks catch everything.
 */
final class QueryLensJdbcEventListener extends JdbcEventListener {

  static final QueryLensJdbcEventListener INSTANCE = new QueryLensJdbcEventListener();

  /** The scopes of the executions in progress on this thread (a driver may call itself). */
  private static final ThreadLocal<ArrayDeque<Object>> SCOPES = ThreadLocal.withInitial(ArrayDeque::new);

  private QueryLensJdbcEventListener() {}

  private static void begin(Object scope) {
    SCOPES.get().push(scope == null ? SCOPES : scope);
  }

  private static Object end() {
    Object scope = SCOPES.get().poll();
    return scope == SCOPES ? null : scope;
  }

  // ------------------------------------------------------------ prepared statements

  @Override
  public void onBeforeExecute(PreparedStatementInformation statement) {
    begin(Hooks.beforeExecute(statement, statement.getStatementQuery()));
  }

  @Override
  public void onAfterExecute(PreparedStatementInformation statement, long nanos, SQLException failure) {
    Hooks.afterExecute(end(), failure);
  }

  @Override
  public void onBeforeExecuteQuery(PreparedStatementInformation statement) {
    onBeforeExecute(statement);
  }

  @Override
  public void onAfterExecuteQuery(PreparedStatementInformation statement, long nanos, SQLException failure) {
    onAfterExecute(statement, nanos, failure);
  }

  @Override
  public void onBeforeExecuteUpdate(PreparedStatementInformation statement) {
    onBeforeExecute(statement);
  }

  @Override
  public void onAfterExecuteUpdate(PreparedStatementInformation statement, long nanos, int rows,
      SQLException failure) {
    onAfterExecute(statement, nanos, failure);
  }

  @Override
  public void onAfterPreparedStatementSet(PreparedStatementInformation statement, int index, Object value,
      SQLException failure) {
    Hooks.onBindObject(statement, index, value);
  }

  // ------------------------------------------------------------ plain statements

  @Override
  public void onBeforeExecute(StatementInformation statement, String sql) {
    begin(Hooks.beforeExecute(statement, sql));
  }

  @Override
  public void onAfterExecute(StatementInformation statement, long nanos, String sql, SQLException failure) {
    Hooks.afterExecute(end(), failure);
  }

  @Override
  public void onBeforeExecuteQuery(StatementInformation statement, String sql) {
    onBeforeExecute(statement, sql);
  }

  @Override
  public void onAfterExecuteQuery(StatementInformation statement, long nanos, String sql, SQLException failure) {
    onAfterExecute(statement, nanos, sql, failure);
  }

  @Override
  public void onBeforeExecuteUpdate(StatementInformation statement, String sql) {
    onBeforeExecute(statement, sql);
  }

  @Override
  public void onAfterExecuteUpdate(StatementInformation statement, long nanos, String sql, int rows,
      SQLException failure) {
    onAfterExecute(statement, nanos, sql, failure);
  }

  // ------------------------------------------------------------ batches

  @Override
  public void onBeforeAddBatch(StatementInformation statement, String sql) {
    Hooks.onAddBatch(statement, sql);
  }

  @Override
  public void onBeforeExecuteBatch(StatementInformation statement) {
    if (statement instanceof PreparedStatementInformation prepared) {
      Hooks.onPrepared(prepared, prepared.getStatementQuery());
    }
    begin(Hooks.beforeBatch(statement));
  }

  @Override
  public void onAfterExecuteBatch(StatementInformation statement, long nanos, int[] counts, SQLException failure) {
    Hooks.afterBatch(end(), failure, counts);
  }

  @Override
  public void onAfterStatementClose(StatementInformation statement, SQLException failure) {
    Hooks.onStatementClosed(statement);
  }

  // ------------------------------------------------------------ connections

  @Override
  public void onAfterSetAutoCommit(ConnectionInformation connection, boolean autoCommit, boolean before,
      SQLException failure) {
    if (failure == null) {
      Hooks.onAutoCommit(connection, autoCommit);
    }
  }

  @Override
  public void onAfterCommit(ConnectionInformation connection, long nanos, SQLException failure) {
    Hooks.onCommit(connection);
  }

  @Override
  public void onAfterRollback(ConnectionInformation connection, long nanos, SQLException failure) {
    Hooks.onRollback(connection);
  }

  @Override
  public void onAfterConnectionClose(ConnectionInformation connection, SQLException failure) {
    Hooks.onConnectionClosed(connection);
  }
}
