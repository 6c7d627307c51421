package com.example.shop.web;

import com.zaxxer.hikari.HikariDataSource;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.Server;

/**
 * A servlet application on Jetty 12 (jakarta servlets) over HikariCP. {@code GET /feed} has an N+1 (one profile
 * select per user, each on a connection of its own, as lazy loading in a view does); {@code GET /users/{id}} runs one
 * select per request. The program calls itself: 3 x /feed and 20 x /users/{id}.
 */
public final class WebApp {

  static HikariDataSource dataSource;

  public static void main(String[] args) throws Exception {
    String database = System.getProperty("scenario.db", "h2");
    dataSource = new HikariDataSource();
    dataSource.setJdbcUrl(database.equals("h2") ? "jdbc:h2:mem:web;DB_CLOSE_DELAY=-1" : database);
    dataSource.setMaximumPoolSize(4);
    seed();
    Server server = new Server(0);
    ServletContextHandler context = new ServletContextHandler();
    context.addServlet(new ServletHolder(new FeedServlet()), "/feed");
    context.addServlet(new ServletHolder(new UserServlet()), "/users/*");
    server.setHandler(context);
    server.start();
    try {
      int port = server.getURI().getPort();
      HttpClient client = HttpClient.newHttpClient();
      for (int i = 0; i < 3; i++) {
        System.out.println(get(client, port, "/feed").length() + " bytes of feed");
      }
      for (int id = 1; id <= 20; id++) {
        System.out.println(get(client, port, "/users/" + id));
      }
    } finally {
      server.stop();
      dataSource.close();
    }
  }

  private static String get(HttpClient client, int port, String path) throws IOException, InterruptedException {
    HttpRequest request = HttpRequest.newBuilder(URI.create("http://localhost:" + port + path)).build();
    return client.send(request, HttpResponse.BodyHandlers.ofString()).body();
  }

  private static void seed() throws SQLException {
    try (Connection connection = dataSource.getConnection(); Statement statement = connection.createStatement()) {
      statement.execute("drop table if exists web_profiles");
      statement.execute("drop table if exists web_users");
      statement.execute("create table web_users (id bigint primary key, name varchar(100))");
      statement.execute("create table web_profiles (user_id bigint primary key, bio varchar(100))");
      for (int i = 1; i <= 30; i++) {
        statement.addBatch("insert into web_users values (" + i + ", 'user " + i + "')");
        statement.addBatch("insert into web_profiles values (" + i + ", 'bio " + i + "')");
      }
      statement.executeBatch();
    }
  }

  /** The N+1: users, then each user's profile with its own connection. */
  static final class FeedServlet extends HttpServlet {
    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
      StringBuilder page = new StringBuilder();
      try {
        try (Connection connection = dataSource.getConnection();
            ResultSet users = connection.createStatement().executeQuery("select id from web_users order by id")) {
          while (users.next()) {
            page.append(profileOf(users.getLong(1))).append('\n');
          }
        }
      } catch (SQLException failed) {
        throw new IOException(failed);
      }
      response.getWriter().write(page.toString());
    }

    private String profileOf(long userId) throws SQLException {
      try (Connection connection = dataSource.getConnection();
          PreparedStatement profile = connection.prepareStatement("select bio from web_profiles where user_id = ?")) {
        profile.setLong(1, userId);
        try (ResultSet rows = profile.executeQuery()) {
          return rows.next() ? rows.getString(1) : "";
        }
      }
    }
  }

  /** One select per request. */
  static final class UserServlet extends HttpServlet {
    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
      long id = Long.parseLong(request.getPathInfo().substring(1));
      try (Connection connection = dataSource.getConnection();
          PreparedStatement user = connection.prepareStatement("select name from web_users where id = ?")) {
        user.setLong(1, id);
        try (ResultSet rows = user.executeQuery()) {
          response.getWriter().write(rows.next() ? rows.getString(1) : "none");
        }
      } catch (SQLException failed) {
        throw new IOException(failed);
      }
    }
  }
}
