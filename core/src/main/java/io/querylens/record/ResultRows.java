package io.querylens.record;

import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.List;

/**
 * How many rows a query returned, read from the driver's own result set right after {@code executeQuery}, without
 * touching a row: H2 ({@code ResultInterface.getRowCount()}) and PostgreSQL (the rows it received, when it received
 * them all: no cursor left open by a fetch size). Pool wrappers are unwrapped, and p6spy's statement information
 * read through. Other drivers, lazy results and
 * anything that fails read as unknown (-1). Asked for slowish queries without a limit, for the queries a test's
 * capture records, and for a sample of each shape's executions (its first four, then about one in 64; a driver whose
 * rows read as unknown four times is not asked again for that shape), so that most executions never pay for it.
 */
final class ResultRows {

  private ResultRows() {}

  /** Reads the row count of one driver's result sets; {@link #NONE} for classes it does not know. */
  @FunctionalInterface
  private interface Reader {
    long rows(Object resultSet) throws ReflectiveOperationException;
  }

  private static final Reader NONE = resultSet -> -1;
  private static final int MAX_UNWRAPS = 3;

  private static final ClassValue<Reader> READERS = new ClassValue<>() {
    @Override
    protected Reader computeValue(Class<?> type) {
      try {
        for (Class<?> c = type; c != null; c = c.getSuperclass()) {
          switch (c.getName()) {
            case "org.h2.jdbc.JdbcResultSet":
              return h2(c);
            case "org.postgresql.jdbc.PgResultSet":
              return postgres(c);
            default:
              break;
          }
        }
      } catch (ReflectiveOperationException | RuntimeException inaccessible) {
        // A driver version laid out differently, or in a module that does not open it: rows stay unknown.
      }
      return NONE;
    }
  };

  private static Reader h2(Class<?> resultSetClass) throws ReflectiveOperationException {
    Method getResult = resultSetClass.getMethod("getResult");
    Class<?> resultInterface = getResult.getReturnType();
    Method isLazy = resultInterface.getMethod("isLazy");
    Method getRowCount = resultInterface.getMethod("getRowCount");
    return resultSet -> {
      Object result = getResult.invoke(resultSet);
      return result == null || (Boolean) isLazy.invoke(result) ? -1 : (Long) getRowCount.invoke(result);
    };
  }

  private static Reader postgres(Class<?> resultSetClass) throws ReflectiveOperationException {
    Field rows = resultSetClass.getDeclaredField("rows");
    Field cursor = resultSetClass.getDeclaredField("cursor");
    rows.setAccessible(true);
    cursor.setAccessible(true);
    return resultSet -> cursor.get(resultSet) != null || !(rows.get(resultSet) instanceof List<?> list)
        ? -1 : list.size();
  }

  /**
   * For what a feed hands over as the statement that is not a JDBC statement itself (p6spy's
   * {@code StatementInformation}), its public {@code getStatement()} returning the driver's, or null.
   */
  private static final ClassValue<Method> HOLDERS = new ClassValue<>() {
    @Override
    protected Method computeValue(Class<?> type) {
      try {
        Method method = type.getMethod("getStatement");
        return Statement.class.isAssignableFrom(method.getReturnType()) ? method : null;
      } catch (NoSuchMethodException | RuntimeException none) {
        return null;
      }
    }
  };

  /** The rows the last query of {@code statement} returned, or -1 when that cannot be told. */
  static long returned(Object statement) {
    try {
      if (statement != null && !(statement instanceof Statement)) {
        Method holder = HOLDERS.get(statement.getClass());
        statement = holder == null ? null : holder.invoke(statement);
      }
      if (!(statement instanceof Statement jdbc)) {
        return -1;
      }
      ResultSet resultSet = jdbc.getResultSet();
      for (int i = 0; resultSet != null && i < MAX_UNWRAPS; i++) {
        Reader reader = READERS.get(resultSet.getClass());
        if (reader != NONE) {
          return reader.rows(resultSet);
        }
        ResultSet inner = resultSet.isWrapperFor(ResultSet.class) ? resultSet.unwrap(ResultSet.class) : null;
        if (inner == resultSet) {
          return -1;
        }
        resultSet = inner;
      }
      return -1;
    } catch (Throwable unknown) {
      return -1;
    }
  }
}
