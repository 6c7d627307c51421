package io.querylens.agent.it;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Assertions;

/**
 * The databases the scenarios run on: H2 always; PostgreSQL when {@code QUERYLENS_PG_URL} names one ({@code .ci/run}
 * starts one). Without it PostgreSQL runs are skipped with a message, unless {@code QUERYLENS_PG_REQUIRED=true}, which
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
    String url = System.getenv("QUERYLENS_PG_URL");
    if (url == null || url.isBlank()) {
      if ("true".equalsIgnoreCase(System.getenv("QUERYLENS_PG_REQUIRED"))) {
        Assertions.fail("QUERYLENS_PG_REQUIRED=true but QUERYLENS_PG_URL is not set");
      }
      System.err.println("querylens IT: QUERYLENS_PG_URL is not set; PostgreSQL runs are skipped");
      return null;
    }
    return url;
  }

  static String label(String database) {
    return database.startsWith("jdbc:postgresql:") ? "postgresql" : database;
  }
}
