package io.querylens.benchmarks;

import com.zaxxer.hikari.HikariDataSource;
import java.lang.management.ManagementFactory;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * The smallest program that uses JDBC the usual ways, for {@link StartupTimeRunner}: one query through a HikariCP pool
 * and one through {@code DriverManager}, on H2, right at the start of {@code main}. Prints the JVM uptime when
 * {@code main} began and when both were done, and the process's CPU time then ({@code RESULT main=.. done=.. cpu=..},
 * milliseconds). Under the agent, its first JDBC class waits for querylens' instrumentation: this program shows the
 * whole start-up cost of the agent, where a service that touches JDBC seconds later hides most of it.
 */
public final class SmallJdbcProgram {

  private SmallJdbcProgram() {}

  public static void main(String[] args) throws SQLException {
    long mainAt = ManagementFactory.getRuntimeMXBean().getUptime();
    try (HikariDataSource pool = new HikariDataSource()) {
      pool.setJdbcUrl("jdbc:h2:mem:small");
      try (Connection connection = pool.getConnection();
          PreparedStatement statement = connection.prepareStatement("select ?")) {
        statement.setInt(1, 1);
        try (ResultSet rows = statement.executeQuery()) {
          rows.next();
        }
      }
      try (Connection connection = DriverManager.getConnection("jdbc:h2:mem:plain");
          Statement statement = connection.createStatement()) {
        statement.execute("select 1");
      }
      long done = ManagementFactory.getRuntimeMXBean().getUptime();
      long cpuNanos = ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
          .getProcessCpuTime();
      System.out.println("RESULT main=" + mainAt + " done=" + done + " cpu=" + cpuNanos / 1_000_000);
    }
  }
}
