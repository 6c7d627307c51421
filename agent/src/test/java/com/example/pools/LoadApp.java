package com.example.pools;

import com.zaxxer.hikari.HikariDataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Many threads through one HikariCP pool: {@code LoadApp <threads> <statements per thread> <table>}. Each statement is
 * a primary-key lookup, every tenth an update; the program counts every statement it runs itself and prints the
 * total, so that querylens' count can be compared with it exactly.
 */
public final class LoadApp {

  private static final AtomicLong ISSUED = new AtomicLong();

  private LoadApp() {}

  public static void main(String[] args) throws Exception {
    int threads = Integer.parseInt(args[0]);
    int perThread = Integer.parseInt(args[1]);
    String table = args[2];
    try (HikariDataSource pool = new HikariDataSource()) {
      pool.setJdbcUrl(url());
      pool.setMaximumPoolSize(16);
      pool.setPoolName("load-pool");
      try (Connection connection = pool.getConnection(); Statement statement = connection.createStatement()) {
        statement.execute("create table " + table + " (id int primary key, hits int not null)");
        statement.execute("insert into " + table + " select x, 0 from " + (url().startsWith("jdbc:postgresql:")
            ? "generate_series(1, 1000) as x" : "system_range(1, 1000)"));
        ISSUED.addAndGet(2);
      }
      ExecutorService executor = Executors.newFixedThreadPool(threads);
      List<Future<?>> done = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        int thread = t;
        done.add(executor.submit(() -> {
          for (int i = 0; i < perThread; i++) {
            try (Connection connection = pool.getConnection()) {
              int id = 1 + (thread * 7919 + i) % 1000;
              if (i % 10 == 9) {
                try (PreparedStatement update = connection.prepareStatement(
                    "update " + table + " set hits = hits + 1 where id = ?")) {
                  update.setInt(1, id);
                  update.executeUpdate();
                }
              } else {
                try (PreparedStatement lookup = connection.prepareStatement(
                    "select hits from " + table + " where id = ?")) {
                  lookup.setInt(1, id);
                  try (ResultSet rows = lookup.executeQuery()) {
                    rows.next();
                  }
                }
              }
              ISSUED.incrementAndGet();
            }
          }
          return null;
        }));
      }
      for (Future<?> each : done) {
        each.get();
      }
      executor.shutdown();
      try (Connection connection = pool.getConnection(); Statement statement = connection.createStatement();
          ResultSet rows = statement.executeQuery("select sum(hits) from " + table)) {
        rows.next();
        ISSUED.incrementAndGet();
        System.out.println("updates applied: " + rows.getLong(1));
        statement.execute("drop table " + table);
        ISSUED.incrementAndGet();
      }
    }
    System.out.println("statements issued: " + ISSUED.get());
  }

  private static String url() {
    String url = System.getProperty("scenario.db", "h2");
    return url.equals("h2") ? "jdbc:h2:mem:load;DB_CLOSE_DELAY=-1" : url;
  }
}
