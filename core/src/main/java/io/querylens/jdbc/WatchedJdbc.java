package io.querylens.jdbc;

import io.querylens.bootstrap.Hooks;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.sql.CallableStatement;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.util.LinkedHashSet;
import java.util.Set;
import javax.sql.DataSource;

/**
 * Feeds querylens without the agent: wraps a {@link DataSource} so that its connections and statements call the same
 * hooks the agent's instrumentation calls. For tests and for services that can't add a {@code -javaagent}; the agent
 * costs less per statement (no reflection, no proxies) and sees every driver without code changes.
 *
 * <p>The wrappers are JDK proxies implementing every interface of the wrapped object: cast to the interfaces
 * ({@code Closeable}, ...), reach the wrapped object with {@code unwrap}. Results, update counts and exceptions pass
 * through unchanged. Result sets and metadata are not wrapped: {@code resultSet.getStatement()} and
 * {@code metaData.getConnection()} return the driver's objects, and statements created from those are not seen.
 */
public final class WatchedJdbc {

  private WatchedJdbc() {}

  /** {@code dataSource}, watched; a data source wrapped already is returned as it is. */
  public static DataSource wrap(DataSource dataSource) {
    if (dataSource == null || isWatched(dataSource)) {
      return dataSource;
    }
    return (DataSource) proxy(dataSource, new DataSourceHandler(dataSource), DataSource.class);
  }

  /** {@code connection}, watched. */
  public static Connection wrap(Connection connection) {
    if (connection == null || isWatched(connection)) {
      return connection;
    }
    return (Connection) proxy(connection, new ConnectionHandler(connection), Connection.class);
  }

  /** Whether {@code object} is one of querylens' own wrappers. */
  public static boolean isWatched(Object object) {
    return Proxy.isProxyClass(object.getClass()) && Proxy.getInvocationHandler(object) instanceof Handler;
  }

  private static Object proxy(Object target, InvocationHandler handler, Class<?> required) {
    Set<Class<?>> interfaces = new LinkedHashSet<>();
    interfaces.add(required);
    for (Class<?> type = target.getClass(); type != null; type = type.getSuperclass()) {
      for (Class<?> implemented : type.getInterfaces()) {
        if (java.lang.reflect.Modifier.isPublic(implemented.getModifiers())) {
          interfaces.add(implemented);
        }
      }
    }
    ClassLoader loader = target.getClass().getClassLoader();
    try {
      return Proxy.newProxyInstance(loader == null ? required.getClassLoader() : loader,
          interfaces.toArray(new Class<?>[0]), handler);
    } catch (IllegalArgumentException notAllVisible) {
      return Proxy.newProxyInstance(WatchedJdbc.class.getClassLoader(), new Class<?>[] {required}, handler);
    }
  }

  /** Base of the three handlers: wrapper methods, equality and exceptions. */
  private abstract static class Handler implements InvocationHandler {
    final Object target;

    Handler(Object target) {
      this.target = target;
    }

    abstract Object handle(Object proxy, Method method, Object[] args) throws Throwable;

    @Override
    public final Object invoke(Object proxy, Method method, Object[] args) throws Throwable {
      switch (method.getName()) {
        case "equals":
          if (method.getParameterCount() == 1) {
            return proxy == args[0];
          }
          break;
        case "hashCode":
          if (method.getParameterCount() == 0) {
            return System.identityHashCode(proxy);
          }
          break;
        case "toString":
          if (method.getParameterCount() == 0) {
            return "querylens-watched " + target;
          }
          break;
        case "unwrap":
          if (method.getParameterCount() == 1 && args[0] instanceof Class<?> type && type.isInstance(target)) {
            return target;
          }
          break;
        case "isWrapperFor":
          if (method.getParameterCount() == 1 && args[0] instanceof Class<?> type && type.isInstance(target)) {
            return true;
          }
          break;
        default:
          break;
      }
      return handle(proxy, method, args);
    }

    final Object call(Method method, Object[] args) throws Throwable {
      try {
        return method.invoke(target, args);
      } catch (InvocationTargetException thrown) {
        throw thrown.getCause();
      }
    }
  }

  private static final class DataSourceHandler extends Handler {
    DataSourceHandler(DataSource target) {
      super(target);
    }

    @Override
    Object handle(Object proxy, Method method, Object[] args) throws Throwable {
      if (!method.getName().equals("getConnection")) {
        return call(method, args);
      }
      Object scope = args == null || args.length == 0 ? Hooks.beforeGetConnection(target)
          : Hooks.beforeGetConnectionWithCredentials(target);
      Connection watched = null;
      Throwable thrown = null;
      try {
        Object result = call(method, args);
        watched = result instanceof Connection connection ? wrap(connection) : null;
        return watched == null ? result : watched;
      } catch (Throwable failed) {
        thrown = failed;
        throw failed;
      } finally {
        Hooks.afterGetConnection(scope, target, watched, thrown);
      }
    }
  }

  private static final class ConnectionHandler extends Handler {
    ConnectionHandler(Connection target) {
      super(target);
    }

    @Override
    Object handle(Object proxy, Method method, Object[] args) throws Throwable {
      String name = method.getName();
      switch (name) {
        case "setAutoCommit":
          Object set = call(method, args);
          Hooks.onAutoCommit(proxy, (Boolean) args[0]);
          return set;
        case "commit":
          Object committed = call(method, args);
          Hooks.onCommit(proxy);
          return committed;
        case "rollback":
          Object rolledBack = call(method, args);
          if (args == null || args.length == 0) {
            Hooks.onRollback(proxy);
          }
          return rolledBack;
        case "close":
          // Before the pool's close(), as the agent's advice does: a pool hands the connection to a waiting thread
          // inside close(), and that thread's checkout must not overlap this one's. Also when close() then throws:
          // a pool may fail a rollback after taking the connection back.
          Object token = Hooks.onConnectionClosed(proxy);
          try {
            return call(method, args);
          } finally {
            if (token != null) {
              Hooks.afterConnectionClosed(token);
            }
          }
        default:
          break;
      }
      Object result = call(method, args);
      if (result instanceof Statement statement) {
        Class<?> type = result instanceof CallableStatement ? CallableStatement.class
            : result instanceof PreparedStatement ? PreparedStatement.class : Statement.class;
        Object watched = proxy(statement, new StatementHandler(statement, proxy), type);
        if ((name.equals("prepareStatement") || name.equals("prepareCall")) && args != null
            && args[0] instanceof String sql) {
          Hooks.onPrepared(watched, sql);
        }
        return watched;
      }
      return result;
    }
  }

  private static final class StatementHandler extends Handler {
    private final Object connection;

    StatementHandler(Statement target, Object connection) {
      super(target);
      this.connection = connection;
    }

    @Override
    Object handle(Object proxy, Method method, Object[] args) throws Throwable {
      String name = method.getName();
      int arity = method.getParameterCount();
      if (name.startsWith("execute")) {
        boolean batch = name.equals("executeBatch") || name.equals("executeLargeBatch");
        Object scope = batch ? Hooks.beforeBatch(proxy)
            : Hooks.beforeExecute(proxy, arity > 0 && args[0] instanceof String sql ? sql : null);
        Throwable thrown = null;
        Object result = null;
        try {
          result = call(method, args);
          return result;
        } catch (Throwable failed) {
          thrown = failed;
          throw failed;
        } finally {
          if (batch) {
            Hooks.afterBatch(scope, thrown, result);
          } else {
            Hooks.afterExecute(scope, thrown);
          }
        }
      }
      switch (name) {
        case "addBatch":
          Hooks.onAddBatch(proxy, arity == 1 && args[0] instanceof String sql ? sql : null);
          return call(method, args);
        case "clearBatch":
          Hooks.onClearBatch(proxy);
          return call(method, args);
        case "clearParameters":
          Hooks.onClearParameters(proxy);
          return call(method, args);
        case "close":
          Object closed = call(method, args);
          Hooks.onStatementClosed(proxy);
          return closed;
        case "getConnection":
          return connection;
        default:
          break;
      }
      if (name.startsWith("set") && arity >= 2 && method.getParameterTypes()[0] == int.class) {
        bind(proxy, name, (Integer) args[0], args[1]);
      }
      return call(method, args);
    }

    private static void bind(Object statement, String setter, int index, Object value) {
      switch (setter) {
        case "setNull" -> Hooks.onBindObject(statement, index, null);
        case "setInt", "setLong", "setShort", "setByte" -> Hooks.onBindLong(statement, index,
            ((Number) value).longValue());
        case "setBoolean" -> Hooks.onBindLong(statement, index, (Boolean) value ? 1 : 0);
        case "setDouble", "setFloat" -> Hooks.onBindDouble(statement, index, ((Number) value).doubleValue());
        default -> Hooks.onBindObject(statement, index, value);
      }
    }
  }
}
