package com.example.shop;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * Connects the scenario programs to H2 (default), HSQLDB ({@code -Dscenario.db=hsqldb}), SQLite ({@code sqlite}),
 * Derby ({@code derby}, embedded, in memory) or the database whose JDBC URL is given ({@code
 * -Dscenario.db=jdbc:postgresql:...}, {@code jdbc:mariadb:...}).
 */
final class Db {

  private Db() {}

  static String url() {
    String url = System.getProperty("scenario.db", "h2");
    return switch (url) {
      case "h2" -> "jdbc:h2:mem:shop;DB_CLOSE_DELAY=-1";
      case "hsqldb" -> "jdbc:hsqldb:mem:shop";
      case "sqlite" -> "jdbc:sqlite::memory:";
      case "derby" -> "jdbc:derby:memory:shop;create=true";
      default -> url;
    };
  }

  static boolean isPostgres() {
    return url().startsWith("jdbc:postgresql:");
  }

  static Connection connect() throws SQLException {
    return DriverManager.getConnection(url());
  }

  /** users(40) and one profile each; recreated on every run. */
  static void seedUsersAndProfiles(Connection connection, int users) throws SQLException {
    try (Statement statement = connection.createStatement()) {
      if (!url().startsWith("jdbc:derby:")) { // Derby has no "if exists"; its database is new in every run
        statement.execute("drop table if exists profiles");
        statement.execute("drop table if exists users");
      }
      statement.execute("create table users (id bigint primary key, name varchar(100) not null)");
      statement.execute("create table profiles (id bigint primary key, user_id bigint not null, bio varchar(200))");
    }
    try (var insertUser = connection.prepareStatement("insert into users (id, name) values (?, ?)");
        var insertProfile = connection.prepareStatement("insert into profiles (id, user_id, bio) values (?, ?, ?)")) {
      for (int i = 1; i <= users; i++) {
        insertUser.setLong(1, i);
        insertUser.setString(2, "user-" + i);
        insertUser.addBatch();
        insertProfile.setLong(1, 1000 + i);
        insertProfile.setLong(2, i);
        insertProfile.setString(3, "bio of user " + i);
        insertProfile.addBatch();
      }
      insertUser.executeBatch();
      insertProfile.executeBatch();
    }
  }
}
