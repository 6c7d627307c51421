package io.querylens.pool;

import io.querylens.internal.Diagnostics;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Reads a pool's own figures through its public API, by reflection (querylens compiles against no pool): HikariCP's
 * pool MXBean, DBCP2's {@code BasicDataSource}, Tomcat JDBC's {@code ConnectionPool}, c3p0's data source. Runs on
 * querylens' worker only, never inside the application's {@code getConnection()}; a pool whose API does not answer
 * reads as {@link PoolReadings#NONE}. It never makes a pool start: Tomcat JDBC's data source creates its pool from
 * most of its getters (again after it was closed), so its pool is read from the data source's field, and not at all
 * while there is none; c3p0's likewise, so it is read only while its pool manager exists and it is not closed.
 */
final class PoolProbe {

  private static final Object[] NO_ARGUMENTS = new Object[0];
  private static final Object MISSING = new Object();

  /** Methods and fields found, per class (held by the class, so a web application's loader is not pinned). */
  private final ClassValue<Map<String, Object>> members = new ClassValue<>() {
    @Override
    protected Map<String, Object> computeValue(Class<?> type) {
      return new ConcurrentHashMap<>();
    }
  };

  /** The name the pool gives itself, or null. */
  String name(PoolKind kind, Object source) {
    Object name = switch (kind) {
      case HIKARI -> call(source, "getPoolName");
      case TOMCAT -> {
        Object pool = field(source, "pool");
        yield pool == null ? null : call(pool, "getName");
      }
      case DBCP2 -> call(source, "getJmxName");
      case C3P0 -> call(source, "getDataSourceName");
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
        case TOMCAT -> {
          Object pool = field(source, "pool");
          if (pool == null) {
            yield PoolReadings.NONE;
          }
          Object properties = call(pool, "getPoolProperties");
          yield new PoolReadings(number(call(pool, "getActive")), number(call(pool, "getIdle")),
              number(call(pool, "getSize")), properties == null ? PoolReadings.UNKNOWN
                  : number(call(properties, "getMaxActive")), number(call(pool, "getWaitCount")));
        }
        case C3P0 -> {
          // Its figures' getters start a pool that is not running (again after close): read only a running one.
          if (field(source, "poolManager") == null || Boolean.TRUE.equals(field(source, "is_closed"))) {
            yield PoolReadings.NONE;
          }
          yield new PoolReadings(number(call(source, "getNumBusyConnectionsDefaultUser")),
              number(call(source, "getNumIdleConnectionsDefaultUser")),
              number(call(source, "getNumConnectionsDefaultUser")), number(call(source, "getMaxPoolSize")),
              number(call(source, "getNumThreadsAwaitingCheckoutDefaultUser")));
        }
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
    Object found = members.get(target.getClass()).computeIfAbsent("()" + name, key -> {
      Method method = find(target.getClass(), name);
      return method == null ? MISSING : method;
    });
    if (!(found instanceof Method method)) {
      return null;
    }
    try {
      return method.invoke(target, NO_ARGUMENTS);
    } catch (ReflectiveOperationException | RuntimeException failed) {
      return null;
    }
  }

  /** A field declared by the class or a superclass, read reflectively; null when absent or not accessible. */
  private Object field(Object target, String name) {
    Object found = members.get(target.getClass()).computeIfAbsent(name, key -> {
      for (Class<?> each = target.getClass(); each != null; each = each.getSuperclass()) {
        try {
          Field field = each.getDeclaredField(name);
          field.setAccessible(true);
          return field;
        } catch (NoSuchFieldException absent) {
          // look further up
        } catch (RuntimeException inaccessible) {
          return MISSING;
        }
      }
      return MISSING;
    });
    if (!(found instanceof Field field)) {
      return null;
    }
    try {
      return field.get(target);
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
