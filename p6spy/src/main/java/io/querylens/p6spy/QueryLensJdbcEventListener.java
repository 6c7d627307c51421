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

  /** Executions in progress on this thread, innermost first (a driver may call itself through p6spy). */
  private static final ThreadLocal<ArrayDeque<Open>> OPEN = ThreadLocal.withInitial(ArrayDeque::new);
  /** More executions than this open on one thread means their ends were lost; they are closed. */
  private static final int MAX_OPEN = 16;

  private record Open(Object statement, Object scope) {}

  private QueryLensJdbcEventListener() {}

  /**
   * p6spy calls each module's {@code onAfter*} in turn without catching: when a module before this one throws, this
   * one's end never comes. So every begin is paired with its end by statement, and executions left open are closed
   * here (reported as failed) rather than leaving the recorder waiting on this thread forever.
   */
  private static void begin(Object statement, Object scope) {
    ArrayDeque<Open> open = OPEN.get();
    if (open.size() >= MAX_OPEN) {
      while (!open.isEmpty()) {
        Hooks.afterExecute(open.pop().scope(), LOST_END);
      }
    }
    open.push(new Open(statement, scope));
  }

  private static void end(Object statement, SQLException failure, int[] batchResult, boolean batch) {
    ArrayDeque<Open> open = OPEN.get();
    boolean known = false;
    for (Open each : open) {
      if (each.statement() == statement) {
        known = true;
        break;
      }
    }
    if (!known) {
      return;
    }
    while (true) {
      Open top = open.pop();
      if (top.statement() != statement) {
        Hooks.afterExecute(top.scope(), LOST_END);
        continue;
      }
      if (batch) {
        Hooks.afterBatch(top.scope(), failure, batchResult);
      } else {
        Hooks.afterExecute(top.scope(), failure);
      }
      return;
    }
  }

  /** What an execution whose end was lost is closed with. */
  private static final SQLException LOST_END = new SQLException("querylens: p6spy did not report this execution's end");

  // ------------------------------------------------------------ prepared statements

  @Override
  public void onBeforeExecute(PreparedStatementInformation statement) {
    begin(statement, Hooks.beforeExecute(statement, statement.getStatementQuery()));
  }

  @Override
  public void onAfterExecute(PreparedStatementInformation statement, long nanos, SQLException failure) {
    end(statement, failure, null, false);
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
    begin(statement, Hooks.beforeExecute(statement, sql));
  }

  @Override
  public void onAfterExecute(StatementInformation statement, long nanos, String sql, SQLException failure) {
    end(statement, failure, null, false);
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
    begin(statement, Hooks.beforeBatch(statement));
  }

  @Override
  public void onAfterExecuteBatch(StatementInformation statement, long nanos, int[] counts, SQLException failure) {
    end(statement, failure, counts, true);
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
