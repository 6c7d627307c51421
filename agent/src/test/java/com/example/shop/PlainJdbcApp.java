package com.example.shop;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Plain JDBC scenarios, one per argument: {@code nplusone}, {@code fixed}, {@code slow}, {@code fast}, {@code error},
 * {@code repeat-across-units}, {@code missing-index}, {@code deep-offset}, {@code quick-exit}, {@code unbounded}, {@code lint}, {@code secrets}, {@code attach-later}, {@code virtual-threads}. Prints its results to stdout so runs with and
 * without the agent can be compared.
 */
public final class PlainJdbcApp {

  private static final Logger LOG = LoggerFactory.getLogger(PlainJdbcApp.class);

  public static void main(String[] args) throws Exception {
    LOG.info("scenario {} on {}", args[0], Db.isPostgres() ? "postgresql" : System.getProperty("scenario.db", "h2"));
    if (args[0].equals("quick-exit")) {
      quickExit();
      return;
    }
    try (Connection connection = Db.connect()) {
      Db.seedUsersAndProfiles(connection, 40);
      switch (args[0]) {
        case "nplusone" -> new FeedService(connection).renderWithNPlusOne().forEach(System.out::println);
        case "fixed" -> new FeedService(connection).renderWithOneQuery().forEach(System.out::println);
        case "slow" -> slow(connection);
        case "fast" -> fast(connection);
        case "error" -> error(connection);
        case "repeat-across-units" -> repeatAcrossUnits(connection);
        case "missing-index" -> missingIndex(connection);
        case "deep-offset" -> deepOffset(connection);
        case "unbounded" -> unbounded(connection);
        case "lint" -> lint(connection);
        case "secrets" -> secrets(connection);
        case "attach-later" -> attachLater(connection);
        case "virtual-threads" -> virtualThreads();
        default -> throw new IllegalArgumentException(args[0]);
      }
    }
    LOG.info("scenario {} done", args[0]);
  }

  /** 50,000 parcels looked up by an unindexed tracking code: a missing index. */
  private static void missingIndex(Connection connection) throws SQLException {
    try (Statement statement = connection.createStatement()) {
      statement.execute("drop table if exists parcels");
      statement.execute("create table parcels (id bigint primary key, tracking_code varchar(20) not null, "
          + "status varchar(10) not null)");
    }
    try (PreparedStatement insert = connection.prepareStatement(
        "insert into parcels (id, tracking_code, status) values (?, ?, ?)")) {
      for (int i = 1; i <= 50_000; i++) {
        insert.setLong(1, i);
        insert.setString(2, "TRK" + (1_000_000 + i));
        insert.setString(3, i % 10 == 0 ? "LOST" : "DELIVERED");
        insert.addBatch();
        if (i % 5_000 == 0) {
          insert.executeBatch();
        }
      }
    }
    try (Statement statement = connection.createStatement()) {
      statement.execute(Db.isPostgres() ? "analyze parcels" : "analyze table parcels");
    }
    for (int i = 1; i <= 3; i++) {
      System.out.println(track(connection, "TRK" + (1_000_000 + i * 70)));
    }
  }

  /** An activity feed paged by OFFSET, 100 rows a page, to the end of its 3,000 rows. */
  private static void deepOffset(Connection connection) throws SQLException {
    try (Statement statement = connection.createStatement()) {
      statement.execute("drop table if exists activity");
      statement.execute("create table activity (id bigint primary key, user_id bigint not null, "
          + "happened_at timestamp not null)");
    }
    try (PreparedStatement insert = connection.prepareStatement(
        "insert into activity (id, user_id, happened_at) values (?, ?, ?)")) {
      for (int i = 1; i <= 3_000; i++) {
        insert.setLong(1, i);
        insert.setLong(2, i % 40);
        insert.setTimestamp(3, new java.sql.Timestamp(1_700_000_000_000L + i * 60_000L));
        insert.addBatch();
      }
      insert.executeBatch();
    }
    int pages = 0;
    for (int offset = 0; ; offset += 100) {
      if (feedPage(connection, offset) == 0) {
        break;
      }
      pages++;
    }
    System.out.println(pages + " pages");
  }

  private static int feedPage(Connection connection, int offset) throws SQLException {
    try (PreparedStatement statement = connection.prepareStatement(
        "select id, user_id, happened_at from activity order by happened_at desc, id desc limit ? offset ?")) {
      statement.setInt(1, 100);
      statement.setInt(2, offset);
      int rows = 0;
      try (ResultSet result = statement.executeQuery()) {
        while (result.next()) {
          rows++;
        }
      }
      return rows;
    }
  }

  /**
   * What a short test program does: an in-memory H2 database that lives only while its one connection is open (no
   * DB_CLOSE_DELAY), 30,000 rows, two lookups by an unindexed column, and the program ends.
   */
  private static void quickExit() throws SQLException {
    String url = Db.isPostgres() ? Db.url() : "jdbc:h2:mem:quick";
    try (Connection connection = DriverManager.getConnection(url)) {
      try (Statement statement = connection.createStatement()) {
        statement.execute("drop table if exists accounts");
        statement.execute("create table accounts (id bigint primary key, email varchar(60) not null)");
        statement.execute(Db.isPostgres()
            ? "insert into accounts select g, 'user' || g || '@example.com' from generate_series(1, 30000) g"
            : "insert into accounts select x, 'user' || x || '@example.com' from system_range(1, 30000)");
      }
      for (String email : List.of("user77@example.com", "user78@example.com")) {
        try (PreparedStatement statement = connection.prepareStatement("select id from accounts where email = ?")) {
          statement.setString(1, email);
          try (ResultSet rows = statement.executeQuery()) {
            System.out.println(rows.next() ? "account " + rows.getLong(1) : "no account");
          }
        }
      }
    }
  }

  /** An "export" that reads a whole 12,000-row table into memory at once. */
  private static void unbounded(Connection connection) throws SQLException {
    try (Statement statement = connection.createStatement()) {
      statement.execute("drop table if exists audit_log");
      statement.execute("create table audit_log (id bigint primary key, actor varchar(20) not null)");
      statement.execute(Db.isPostgres()
          ? "insert into audit_log select g, 'actor' || (g % 7) from generate_series(1, 12000) g"
          : "insert into audit_log select x, 'actor' || mod(x, 7) from system_range(1, 12000)");
    }
    System.out.println(exportAuditLog(connection).size() + " entries exported");
  }

  /**
   * 500 virtual threads (JDK 21+), each with its own connection, each rendering the feed with its N+1. On an older JDK
   * prints "no virtual threads".
   */
  private static void virtualThreads() throws Exception {
    java.util.concurrent.ExecutorService executor;
    try {
      executor = (java.util.concurrent.ExecutorService) java.util.concurrent.Executors.class
          .getMethod("newVirtualThreadPerTaskExecutor").invoke(null);
    } catch (NoSuchMethodException olderJdk) {
      System.out.println("no virtual threads");
      return;
    }
    java.util.List<java.util.concurrent.Future<Integer>> renders = new java.util.ArrayList<>();
    for (int i = 0; i < 500; i++) {
      renders.add(executor.submit(() -> {
        try (Connection own = Db.connect()) {
          return new FeedService(own).renderWithNPlusOne().size();
        }
      }));
    }
    executor.shutdown();
    if (!executor.awaitTermination(2, java.util.concurrent.TimeUnit.MINUTES)) {
      throw new IllegalStateException("virtual threads did not finish");
    }
    int lines = 0;
    for (java.util.concurrent.Future<Integer> render : renders) {
      lines += render.get();
    }
    System.out.println(lines + " lines from 500 virtual threads");
  }

  /**
   * Runs a query (so the driver's classes are loaded before any agent), says "ready", waits for a line on stdin (the
   * test attaches querylens meanwhile), then runs an N+1 on the connection it already had.
   */
  private static void attachLater(Connection connection) throws Exception {
    new FeedService(connection).renderWithOneQuery();
    System.out.println("ready");
    System.out.flush();
    new java.io.BufferedReader(new java.io.InputStreamReader(System.in)).readLine();
    System.out.println(new FeedService(connection).renderWithNPlusOne().size() + " lines after the attach");
  }

  /**
   * Values that must never leave the application through querylens, each starting with {@code SECRET-}: written into
   * SQL and bound, in statements that make N+1, repeated query, unbatched writes, SQL lint and slow query findings.
   * Prints only counts.
   */
  private static void secrets(Connection connection) throws SQLException {
    int rows = 0;
    try (Statement statement = connection.createStatement()) {
      statement.execute("create table vault (id bigint primary key, owner varchar(40), token varchar(40))");
    }
    try (PreparedStatement insert = connection.prepareStatement("insert into vault values (?, ?, ?)")) {
      for (int i = 1; i <= 12; i++) { // one row at a time: unbatched writes
        insert.setLong(1, i);
        insert.setString(2, "SECRET-OWNER-" + i);
        insert.setString(3, "SECRET-TOKEN-" + i);
        rows += insert.executeUpdate();
      }
    }
    for (int i = 1; i <= 6; i++) { // N+1 over bound secrets
      try (PreparedStatement statement = connection.prepareStatement("select id from vault where owner = ?")) {
        statement.setString(1, "SECRET-OWNER-" + i);
        rows += count(statement.executeQuery());
      }
    }
    for (int i = 0; i < 3; i++) { // the same secret three times: a repeated query
      try (PreparedStatement statement = connection.prepareStatement("select owner from vault where token = ?")) {
        statement.setString(1, "SECRET-TOKEN-7");
        rows += count(statement.executeQuery());
      }
    }
    for (int i = 1; i <= 3; i++) { // secrets written into the SQL: SQL lint
      try (Statement statement = connection.createStatement()) {
        rows += count(statement.executeQuery("select id from vault where token = 'SECRET-LITERAL-" + i + "'"));
      }
    }
    try (PreparedStatement statement = connection.prepareStatement("select id from vault where owner like ?")) {
      statement.setString(1, "%SECRET-PATTERN%"); // a leading wildcard
      rows += count(statement.executeQuery());
    }
    try (Statement statement = connection.createStatement()) { // a slow statement with a secret in it
      if (Db.isPostgres()) {
        rows += count(statement.executeQuery("select pg_sleep(0.25), 'SECRET-SLOW'"));
      } else {
        statement.execute("create alias if not exists sleep_then for 'com.example.shop.PlainJdbcApp.sleepThen'");
        rows += count(statement.executeQuery("select sleep_then(250), 'SECRET-SLOW'"));
      }
    }
    try (Statement statement = connection.createStatement()) {
      statement.execute("drop table vault");
    }
    System.out.println(rows + " rows");
  }

  /** SQL written the costly way: names pasted in, contains-searches, IN lists of every size, a join without ON. */
  private static void lint(Connection connection) throws SQLException, InterruptedException {
    int found = 0;
    for (String name : List.of("user-1", "user-2", "user-3")) {
      found += userIdNamed(connection, name);
    }
    found += searchUsers(connection, "1");
    found += searchUsers(connection, "2");
    for (int size : new int[] {1, 2, 3, 5}) {
      found += usersByIds(connection, size);
    }
    for (int i = 0; i < 3; i++) {
      found += userWithEveryBio(connection, 1 + i);
      Thread.sleep(100); // the shape's analysis runs on querylens' worker; a cross join is judged once it is done
    }
    System.out.println(found + " rows read");
  }

  private static int userIdNamed(Connection connection, String name) throws SQLException {
    try (Statement statement = connection.createStatement();
        ResultSet rows = statement.executeQuery("select id from users where name = '" + name + "'")) {
      return count(rows);
    }
  }

  private static int searchUsers(Connection connection, String fragment) throws SQLException {
    try (PreparedStatement statement = connection.prepareStatement("select id, name from users where name like ?")) {
      statement.setString(1, "%" + fragment + "%");
      try (ResultSet rows = statement.executeQuery()) {
        return count(rows);
      }
    }
  }

  private static int usersByIds(Connection connection, int size) throws SQLException {
    String markers = String.join(", ", java.util.Collections.nCopies(size, "?"));
    try (PreparedStatement statement = connection.prepareStatement(
        "select id, name from users where id in (" + markers + ")")) {
      for (int i = 1; i <= size; i++) {
        statement.setLong(i, i);
      }
      try (ResultSet rows = statement.executeQuery()) {
        return count(rows);
      }
    }
  }

  private static int userWithEveryBio(Connection connection, long id) throws SQLException {
    try (PreparedStatement statement = connection.prepareStatement(
        "select u.name, p.bio from users u, profiles p where u.id = ?")) {
      statement.setLong(1, id);
      try (ResultSet rows = statement.executeQuery()) {
        return count(rows);
      }
    }
  }

  private static int count(ResultSet rows) throws SQLException {
    int count = 0;
    while (rows.next()) {
      count++;
    }
    return count;
  }

  private static List<String> exportAuditLog(Connection connection) throws SQLException {
    List<String> lines = new java.util.ArrayList<>();
    try (PreparedStatement statement = connection.prepareStatement("select id, actor from audit_log");
        ResultSet rows = statement.executeQuery()) {
      while (rows.next()) {
        lines.add(rows.getLong(1) + "," + rows.getString(2));
      }
    }
    return lines;
  }

  private static String track(Connection connection, String code) throws SQLException {
    try (PreparedStatement statement = connection.prepareStatement(
        "select id, status from parcels where tracking_code = ?")) {
      statement.setString(1, code);
      try (ResultSet rows = statement.executeQuery()) {
        return rows.next() ? rows.getLong(1) + " " + rows.getString(2) : "not found";
      }
    }
  }

  private static void slow(Connection connection) throws SQLException {
    try (Statement statement = connection.createStatement()) {
      if (Db.isPostgres()) {
        statement.execute("select pg_sleep(0.25)");
      } else {
        statement.execute("create alias if not exists sleep_ms for 'com.example.shop.PlainJdbcApp.sleep'");
        statement.execute("call sleep_ms(250)");
      }
    }
    System.out.println("slept");
  }

  /** Called by H2 for {@code select sleep_then(250)}: sleeps, then returns 1. */
  public static int sleepThen(long millis) throws InterruptedException {
    Thread.sleep(millis);
    return 1;
  }

  /** Called by H2 for {@code call sleep_ms(250)}. */
  public static void sleep(long millis) throws InterruptedException {
    Thread.sleep(millis);
  }

  private static void fast(Connection connection) throws SQLException {
    try (PreparedStatement statement = connection.prepareStatement("select name from users where id = ?")) {
      statement.setLong(1, 7);
      try (ResultSet rows = statement.executeQuery()) {
        rows.next();
        System.out.println(rows.getString(1));
      }
    }
  }

  private static void error(Connection connection) {
    try (Statement statement = connection.createStatement()) {
      statement.executeQuery("select no_such_column from users");
      System.out.println("no error?");
    } catch (SQLException expected) {
      System.out.println(expected.getClass().getName() + " " + expected.getSQLState() + " " + expected.getErrorCode()
          + " " + expected.getMessage().lines().findFirst().orElse(""));
    }
    try (PreparedStatement statement = connection.prepareStatement("insert into users (id, name) values (?, ?)")) {
      statement.setLong(1, 1);
      statement.setString(2, "duplicate");
      statement.executeUpdate();
      System.out.println("no error?");
    } catch (SQLException expected) {
      System.out.println(expected.getClass().getName() + " " + expected.getSQLState());
    }
  }

  /** One lookup per "request", with pauses between them: not an N+1. */
  private static void repeatAcrossUnits(Connection connection) throws Exception {
    for (int i = 1; i <= 8; i++) {
      try (PreparedStatement statement = connection.prepareStatement("select name from users where id = ?")) {
        statement.setLong(1, i);
        try (ResultSet rows = statement.executeQuery()) {
          rows.next();
          System.out.println(rows.getString(1));
        }
      }
      Thread.sleep(300);
    }
  }
}
