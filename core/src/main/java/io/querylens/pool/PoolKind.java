package io.querylens.pool;

/**
 * What hands out connections: a pool querylens can read (HikariCP, Apache DBCP2, Tomcat JDBC), a pool it only
 * recognises, or a source that opens a new physical connection every time.
 */
public enum PoolKind {
  HIKARI("HikariCP", true),
  DBCP2("Apache DBCP2", true),
  TOMCAT("Tomcat JDBC", true),
  C3P0("c3p0", true),
  /** Agroal, Vibur, Druid, Oracle UCP, DBCP 1: known to pool, read through no API. */
  OTHER_POOL("connection pool", true),
  /** A {@code DataSource} querylens does not know: a wrapper, or one that opens connections unpooled. */
  DATA_SOURCE("DataSource", false),
  /** {@code java.sql.Driver.connect}: {@code DriverManager.getConnection} or a driver called directly. */
  DRIVER("DriverManager", false);

  private final String label;
  private final boolean pooled;

  PoolKind(String label, boolean pooled) {
    this.label = label;
    this.pooled = pooled;
  }

  /** How users name it. */
  public String label() {
    return label;
  }

  /** True for a pool: connections go back to it on close, and it can run out. */
  public boolean isPooled() {
    return pooled;
  }

  private static final ClassValue<PoolKind> BY_CLASS = new ClassValue<>() {
    @Override
    protected PoolKind computeValue(Class<?> type) {
      for (Class<?> each = type; each != null && each != Object.class; each = each.getSuperclass()) {
        PoolKind kind = byName(each.getName());
        if (kind != null) {
          return kind;
        }
      }
      return isDriver(type) ? DRIVER : DATA_SOURCE;
    }
  };

  /** The kind of {@code source} (a {@code DataSource} or a {@code Driver}), decided once per class. */
  public static PoolKind of(Object source) {
    return BY_CLASS.get(source.getClass());
  }

  static PoolKind byName(String className) {
    switch (className) {
      case "com.zaxxer.hikari.HikariDataSource":
        return HIKARI;
      case "org.apache.commons.dbcp2.BasicDataSource":
      case "org.apache.tomcat.dbcp.dbcp2.BasicDataSource":
        return DBCP2;
      case "org.apache.tomcat.jdbc.pool.DataSourceProxy":
        return TOMCAT;
      case "com.mchange.v2.c3p0.impl.AbstractPoolBackedDataSource":
        return C3P0;
      case "io.agroal.pool.DataSource":
      case "org.vibur.dbcp.ViburDBCPDataSource":
      case "com.alibaba.druid.pool.DruidDataSource":
      case "oracle.ucp.jdbc.PoolDataSourceImpl":
      case "org.apache.commons.dbcp.BasicDataSource":
      case "org.apache.commons.dbcp2.PoolingDataSource":
      case "org.apache.tomcat.dbcp.dbcp2.PoolingDataSource":
        return OTHER_POOL;
      default:
        return null;
    }
  }

  private static boolean isDriver(Class<?> type) {
    try {
      return java.sql.Driver.class.isAssignableFrom(type);
    } catch (LinkageError noJavaSql) {
      return false;
    }
  }

  /**
   * True for a class of a pool's own machinery: a connection opened with one of these on the stack (and no
   * application frame nearer) is a pool filling itself, not an application taking a connection.
   */
  public static boolean isPoolInternals(String className) {
    return className.startsWith("com.zaxxer.hikari.") || className.startsWith("org.apache.commons.dbcp2.")
        || className.startsWith("org.apache.commons.pool2.") || className.startsWith("org.apache.tomcat.jdbc.pool.")
        || className.startsWith("com.mchange.v2.") || className.startsWith("io.agroal.")
        || className.startsWith("org.vibur.dbcp.") || className.startsWith("com.alibaba.druid.pool.")
        || className.startsWith("oracle.ucp.") || className.startsWith("org.apache.commons.dbcp.")
        // Tomcat's repackaged DBCP2, Hibernate's built-in pool, application servers' pools.
        || className.startsWith("org.apache.tomcat.dbcp.")
        || className.startsWith("org.hibernate.engine.jdbc.connections.internal.")
        || className.startsWith("org.jboss.jca.") || className.startsWith("com.ibm.ejs.j2c.")
        || className.startsWith("weblogic.jdbc.") || className.startsWith("com.sun.gjc.");
  }
}
