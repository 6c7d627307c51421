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

  /**
   * Closes, as failed, the executions this thread began and never heard the end of (nor saw their statement closed),
   * before a new one begins. p6spy
   * wraps the application's connection once, and a driver runs its own statements on its own connection, so a new
   * execution on a thread with one still open means that one's end was lost (a module before this one threw from
   * its {@code onAfter*}); left open, it would make the recorder count every later statement as nested in it.
   */
  private static void closeLost() {
    ArrayDeque<Open> open = OPEN.get();
    while (!open.isEmpty()) {
      Hooks.afterExecute(open.pop().scope(), LOST_END);
    }
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
    closeLost();
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
    closeLost();
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
    closeLost();
    begin(statement, Hooks.beforeBatch(statement));
  }

  @Override
  public void onAfterExecuteBatch(StatementInformation statement, long nanos, int[] counts, SQLException failure) {
    end(statement, failure, counts, true);
  }

  @Override
  public void onAfterStatementClose(StatementInformation statement, SQLException failure) {
    // A statement closed while its execution is still open here lost its end (a module before this one threw from
    // its onAfter*, and the application closed the statement when the exception reached it): it ends now, failed.
    end(statement, LOST_END, null, false);
    Hooks.onStatementClosed(statement);
  }

  // ------------------------------------------------------------ connections

  /** The getConnection() in progress on this thread: its information object and the recorder's scope. */
  private static final ThreadLocal<Object[]> ACQUIRING = new ThreadLocal<>();

  /** What the connection came from: the data source or driver p6spy wraps (a pool, usually). */
  private static Object sourceOf(ConnectionInformation connection) {
    Object source = connection.getDataSource();
    if (source == null) {
      source = connection.getDriver();
    }
    return source == null ? connection.getPooledConnection() : source;
  }

  @Override
  public void onBeforeGetConnection(ConnectionInformation connection) {
    Object[] lost = ACQUIRING.get();
    if (lost != null) {
      // p6spy did not report the previous one's end (a module before this one threw): close it as failed.
      Hooks.afterGetConnection(lost[1], lost[2], null, LOST_END);
    }
    Object source = sourceOf(connection);
    if (source != null) {
      ACQUIRING.set(new Object[] {connection, Hooks.beforeGetConnection(source), source});
    } else {
      ACQUIRING.remove();
    }
  }

  /** Connections are known to the recorder by their information object, as for commits and closes. */
  @Override
  public void onAfterGetConnection(ConnectionInformation connection, SQLException failure) {
    Object[] pending = ACQUIRING.get();
    if (pending == null || pending[0] != connection) {
      return;
    }
    ACQUIRING.remove();
    Hooks.afterGetConnection(pending[1], pending[2], failure == null ? connection : null, failure);
  }

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
    Object token = Hooks.onConnectionClosed(connection); // after p6spy's close: nothing is nested in it any more
    if (token != null) {
      Hooks.afterConnectionClosed(token);
    }
  }
}
