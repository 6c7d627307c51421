package io.querylens.agent.it;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Assertions;

/**
 * The databases the scenarios run on: H2 always; PostgreSQL when {@code QUERYLENS_PG_URL} names one ({@code .ci/run}
 * starts one); MariaDB, for the driver tests, when {@code QUERYLENS_MARIADB_URL} does. Without it PostgreSQL runs are skipped with a message, unless {@code QUERYLENS_PG_REQUIRED=true}, which
 * CI sets, makes that a failure.
 */
final class Databases {

  private Databases() {}

  /** {@code h2} and, when available, the PostgreSQL JDBC URL. */
  static List<String> all() {
    List<String> databases = new ArrayList<>();
    databases.add("h2");
    String postgres = postgresUrl();
    if (postgres != null) {
      databases.add(postgres);
    }
    return databases;
  }

  static String postgresUrl() {
    return url("QUERYLENS_PG_URL", "QUERYLENS_PG_REQUIRED", "PostgreSQL");
  }

  /**
   * {@code QUERYLENS_MARIADB_URL} ({@code .ci/run} starts MariaDB), or null: MariaDB runs are then left out with a
   * message, unless {@code QUERYLENS_MARIADB_REQUIRED=true} makes that a failure.
   */
  static String mariaDbUrl() {
    return url("QUERYLENS_MARIADB_URL", "QUERYLENS_MARIADB_REQUIRED", "MariaDB");
  }

  private static String url(String variable, String required, String database) {
    String url = System.getenv(variable);
    if (url == null || url.isBlank()) {
      if ("true".equalsIgnoreCase(System.getenv(required))) {
        Assertions.fail(required + "=true but " + variable + " is not set");
      }
      System.err.println("querylens IT: " + variable + " is not set; " + database + " runs are left out");
      return null;
    }
    return url;
  }

  static String label(String database) {
    return database.startsWith("jdbc:postgresql:") ? "postgresql" : database;
  }
}
