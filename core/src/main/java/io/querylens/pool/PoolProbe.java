package io.querylens.pool;

import io.querylens.internal.Diagnostics;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.HashMap;
import java.util.Map;

/**
 * Reads a pool's own figures through its public API, by reflection (querylens compiles against no pool): HikariCP's
 * pool MXBean, DBCP2's {@code BasicDataSource}, Tomcat JDBC's {@code DataSourceProxy}. Runs on querylens' worker
 * only, never inside the application's {@code getConnection()}; a pool whose API does not answer reads as
 * {@link PoolReadings#NONE}.
 */
final class PoolProbe {

  private static final Object[] NO_ARGUMENTS = new Object[0];

  /** Methods found, per class and name; null values for methods a class does not have. Worker only. */
  private final Map<Class<?>, Map<String, Method>> methods = new HashMap<>();

  /** The name the pool gives itself, or null. */
  String name(PoolKind kind, Object source) {
    Object name = switch (kind) {
      case HIKARI, TOMCAT -> call(source, "getPoolName");
      case DBCP2 -> call(source, "getJmxName");
      default -> null;
    };
    return name instanceof String text && !text.isBlank() ? text : null;
  }

  PoolReadings read(PoolKind kind, Object source) {
    try {
      return switch (kind) {
        case HIKARI -> {
          int max = number(call(source, "getMaximumPoolSize"));
          Object bean = call(source, "getHikariPoolMXBean");
          yield bean == null ? new PoolReadings(0, 0, 0, max, 0)
              : new PoolReadings(number(call(bean, "getActiveConnections")),
                  number(call(bean, "getIdleConnections")), number(call(bean, "getTotalConnections")), max,
                  number(call(bean, "getThreadsAwaitingConnection")));
        }
        case DBCP2 -> new PoolReadings(number(call(source, "getNumActive")), number(call(source, "getNumIdle")),
            PoolReadings.UNKNOWN, number(call(source, "getMaxTotal")), PoolReadings.UNKNOWN);
        case TOMCAT -> new PoolReadings(number(call(source, "getActive")), number(call(source, "getIdle")),
            number(call(source, "getSize")), number(call(source, "getMaxActive")),
            number(call(source, "getWaitCount")));
        default -> PoolReadings.NONE;
      };
    } catch (RuntimeException | LinkageError failed) {
      Diagnostics.error("reading " + kind.label() + " pool figures", failed);
      return PoolReadings.NONE;
    }
  }

  private static int number(Object value) {
    return value instanceof Number number ? number.intValue() : PoolReadings.UNKNOWN;
  }

  private Object call(Object target, String name) {
    Method method = methods.computeIfAbsent(target.getClass(), ignored -> new HashMap<>())
        .computeIfAbsent(name, missing -> find(target.getClass(), missing));
    if (method == null) {
      return null;
    }
    try {
      return method.invoke(target, NO_ARGUMENTS);
    } catch (ReflectiveOperationException | RuntimeException failed) {
      return null;
    }
  }

  /** A public no-argument method, through a public declaring type (a pool's classes may be package-private). */
  private static Method find(Class<?> type, String name) {
    for (Class<?> each = type; each != null; each = each.getSuperclass()) {
      Method found = publicMethod(each, name);
      if (found != null) {
        return found;
      }
      for (Class<?> implemented : each.getInterfaces()) {
        found = publicMethod(implemented, name);
        if (found != null) {
          return found;
        }
      }
    }
    return null;
  }

  private static Method publicMethod(Class<?> type, String name) {
    if (!Modifier.isPublic(type.getModifiers())) {
      return null;
    }
    try {
      Method method = type.getDeclaredMethod(name);
      return Modifier.isPublic(method.getModifiers()) ? method : null;
    } catch (NoSuchMethodException | SecurityException absent) {
      return null;
    }
  }
}
