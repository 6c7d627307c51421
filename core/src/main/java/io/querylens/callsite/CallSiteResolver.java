package io.querylens.callsite;

import io.querylens.internal.Diagnostics;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Finds the application's call site of the current JDBC call by walking the current thread's stack, lazily, up to the
 * first application frame. Costs a few microseconds, so it runs only when a finding may need it (a repeated shape in
 * a unit of work, a slow statement), never for every statement.
 */
public final class CallSiteResolver {

  private static final int MAX_INTERNED = 10_000;
  private static final int MAX_DEPTH = 512;

  private final StackWalker walker = StackWalker.getInstance(Set.of(StackWalker.Option.RETAIN_CLASS_REFERENCE));
  private final FrameClassifier classifier;
  private final ConcurrentHashMap<Key, CallSite> interned = new ConcurrentHashMap<>();

  /**
   * @param appPackages the {@code app.packages} setting (empty: decide per class)
   */
  public CallSiteResolver(List<String> appPackages) {
    this.classifier = new FrameClassifier(appPackages, FrameClassifier.mainJarFromCommandLine());
  }

  /** The call site of the JDBC call running on this thread; {@link CallSite#UNKNOWN} if the walk fails. */
  public CallSite capture() {
    try {
      return walker.walk(frames -> {
        OriginTracker origin = new OriginTracker();
        StackWalker.StackFrame fallback = null;
        var iterator = frames.limit(MAX_DEPTH).iterator();
        while (iterator.hasNext()) {
          StackWalker.StackFrame frame = iterator.next();
          Class<?> type = frame.getDeclaringClass();
          if (classifier.isApplication(type)) {
            return intern(frame, origin.origin(), true);
          }
          String name = type.getName();
          origin.saw(name, frame.getMethodName());
          if (fallback == null && !isInfrastructure(name)) {
            fallback = frame;
          }
        }
        return fallback == null ? CallSite.UNKNOWN : intern(fallback, origin.origin(), false);
      });
    } catch (RuntimeException | StackOverflowError failed) {
      Diagnostics.error("call site resolution", failed);
      return CallSite.UNKNOWN;
    }
  }

  /**
   * The call site of the {@code getConnection()} (or {@code Driver.connect}) running on this thread, or null when a
   * pool is opening a connection for itself: a pool's class lies between the connection methods on top of the stack
   * and the first application frame. The connection methods on top are passed over even when an application class
   * declares one (a routing data source): the call site is whoever asked for the connection.
   */
  public CallSite captureAcquisition() {
    try {
      return walker.walk(frames -> {
        boolean top = true;
        StackWalker.StackFrame fallback = null;
        var iterator = frames.limit(MAX_DEPTH).iterator();
        while (iterator.hasNext()) {
          StackWalker.StackFrame frame = iterator.next();
          Class<?> type = frame.getDeclaringClass();
          String name = type.getName();
          if (top) {
            String method = frame.getMethodName();
            if (name.startsWith(FrameClassifier.QUERYLENS) || method.equals("getConnection")
                || method.equals("connect")) {
              continue;
            }
            top = false;
          }
          if (io.querylens.pool.PoolKind.isPoolInternals(name)) {
            return null; // checked first: a pool's code is never the application's, wherever it was loaded from
          }
          if (classifier.isApplication(type)) {
            return intern(frame, Origin.PLAIN_JDBC, true);
          }
          if (fallback == null && !isInfrastructure(name)) {
            fallback = frame;
          }
        }
        return fallback == null ? CallSite.UNKNOWN : intern(fallback, Origin.PLAIN_JDBC, false);
      });
    } catch (RuntimeException | StackOverflowError failed) {
      Diagnostics.error("call site resolution", failed);
      return CallSite.UNKNOWN;
    }
  }

  /** JDK, querylens, drivers and pools: never a useful call site even when nothing better exists. */
  private static boolean isInfrastructure(String name) {
    return name.startsWith("java.") || name.startsWith("jdk.") || name.startsWith("sun.")
        || name.startsWith(FrameClassifier.QUERYLENS) || name.startsWith("org.h2.") || name.startsWith("org.postgresql.")
        || name.startsWith("com.zaxxer.") || name.startsWith("org.apache.commons.dbcp")
        || name.startsWith("org.apache.tomcat.jdbc") || name.startsWith("com.mysql.")
        || name.startsWith("org.mariadb.") || name.startsWith("com.mchange.") || name.startsWith("org.hsqldb.");
  }

  private CallSite intern(StackWalker.StackFrame frame, Origin origin, boolean application) {
    Key key = new Key(frame.getClassName(), frame.getMethodName(), frame.getLineNumber(), origin, application);
    CallSite site = interned.get(key);
    if (site != null) {
      return site;
    }
    site = new CallSite(key.className, key.method, frame.getFileName(), key.line, origin, application);
    if (interned.size() >= MAX_INTERNED) {
      Diagnostics.dropped("interned call sites", "more than " + MAX_INTERNED
          + " distinct call sites; further ones are compared by value, a little slower");
      return site;
    }
    CallSite raced = interned.putIfAbsent(key, site);
    return raced == null ? site : raced;
  }

  private record Key(String className, String method, int line, Origin origin, boolean application) {}

  /** Reads the library frames walked past and names what issued the statement. */
  private static final class OriginTracker {
    private boolean collection;
    private boolean proxy;
    private boolean attribute;
    private boolean eagerSelect;
    private boolean find;
    private boolean hibernate;
    private boolean springData;
    private boolean jdbcTemplate;

    void saw(String className, String method) {
      if (className.startsWith("org.hibernate.")) {
        hibernate = true;
        if (className.startsWith("org.hibernate.collection.")) {
          collection = true;
        } else if (className.startsWith("org.hibernate.proxy.")) {
          proxy = true;
        } else if (className.startsWith("org.hibernate.bytecode.enhance.")) {
          attribute = true;
        } else if (className.contains("EntitySelectFetchInitializer")
            || className.contains("EntityDelayedFetchInitializer")) {
          eagerSelect = true;
        } else if ((className.endsWith(".SessionImpl") || className.endsWith(".StatelessSessionImpl"))
            && (method.equals("find") || method.equals("get") || method.equals("load")
                || method.equals("getReference"))) {
          find = true;
        }
      } else if (className.startsWith("org.springframework.data.")) {
        springData = true;
      } else if (className.startsWith("org.springframework.jdbc.core.")) {
        jdbcTemplate = true;
      }
    }

    Origin origin() {
      if (collection) {
        return Origin.HIBERNATE_LAZY_COLLECTION;
      }
      if (proxy) {
        return Origin.HIBERNATE_LAZY_TO_ONE;
      }
      if (attribute) {
        return Origin.HIBERNATE_LAZY_ATTRIBUTE;
      }
      if (eagerSelect) {
        return Origin.HIBERNATE_EAGER_TO_ONE;
      }
      if (springData) {
        return Origin.SPRING_DATA_REPOSITORY;
      }
      if (find) {
        return Origin.HIBERNATE_FIND;
      }
      if (hibernate) {
        return Origin.HIBERNATE_QUERY;
      }
      if (jdbcTemplate) {
        return Origin.JDBC_TEMPLATE;
      }
      return Origin.PLAIN_JDBC;
    }
  }
}
