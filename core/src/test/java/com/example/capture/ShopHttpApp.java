package com.example.capture;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javax.sql.DataSource;

/**
 * A small web application over the shop's products table, served by the JDK's HTTP server on its own threads
 * ({@code shop-http-1}, ...), reading through a data source (querylens-watched in the tests). Its handlers run the
 * JDBC themselves, so their methods are the call sites:
 *
 * <ul>
 *   <li>{@code GET /names?ids=1,2,3} one select per id (an N+1), names joined by commas;
 *   <li>{@code GET /names-at-once?ids=1,2,3} one select for all ids.
 * </ul>
 */
public final class ShopHttpApp implements AutoCloseable {

  private final DataSource dataSource;
  private final String products;
  private final HttpServer server;
  private final ExecutorService threads;

  private ShopHttpApp(DataSource dataSource, String products) throws IOException {
    this.dataSource = dataSource;
    this.products = products;
    AtomicInteger counter = new AtomicInteger();
    this.threads = Executors.newFixedThreadPool(2, task -> {
      Thread thread = new Thread(task, "shop-http-" + counter.incrementAndGet());
      thread.setDaemon(true);
      return thread;
    });
    this.server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext("/names", this::names);
    server.createContext("/names-at-once", this::namesAtOnce);
    server.setExecutor(threads);
  }

  /** Starts serving on a free port of the loopback address. */
  public static ShopHttpApp start(DataSource dataSource, String products) throws IOException {
    ShopHttpApp app = new ShopHttpApp(dataSource, products);
    app.server.start();
    return app;
  }

  /** {@code http://127.0.0.1:<port>}. */
  public URI base() {
    return URI.create("http://" + server.getAddress().getAddress().getHostAddress() + ":"
        + server.getAddress().getPort());
  }

  private void names(HttpExchange exchange) throws IOException {
    respond(exchange, () -> String.join(",", namesOneByOne(ids(exchange))));
  }

  private void namesAtOnce(HttpExchange exchange) throws IOException {
    respond(exchange, () -> String.join(",", namesInOneSelect(ids(exchange))));
  }

  /** The N+1: a select per id. */
  List<String> namesOneByOne(long[] ids) throws SQLException {
    List<String> names = new ArrayList<>();
    try (Connection connection = dataSource.getConnection();
        PreparedStatement statement = connection.prepareStatement(
            "select p.id, p.name from " + products + " p where p.id = ?")) {
      for (long id : ids) {
        statement.setLong(1, id);
        try (ResultSet rows = statement.executeQuery()) {
          while (rows.next()) {
            names.add(rows.getString(2));
          }
        }
      }
    }
    return names;
  }

  /** The fix: one select for every id. */
  List<String> namesInOneSelect(long[] ids) throws SQLException {
    List<String> names = new ArrayList<>();
    try (Connection connection = dataSource.getConnection();
        PreparedStatement statement = connection.prepareStatement(
            "select p.id, p.name from " + products + " p where p.id = any(?) order by p.id")) {
      statement.setArray(1, connection.createArrayOf("BIGINT", Arrays.stream(ids).boxed().toArray(Long[]::new)));
      try (ResultSet rows = statement.executeQuery()) {
        while (rows.next()) {
          names.add(rows.getString(2));
        }
      }
    }
    return names;
  }

  private static long[] ids(HttpExchange exchange) {
    String query = exchange.getRequestURI().getQuery();
    String ids = query == null || !query.startsWith("ids=") ? "" : query.substring(4);
    return ids.isEmpty() ? new long[0] : Arrays.stream(ids.split(",")).mapToLong(Long::parseLong).toArray();
  }

  private interface Body {
    String render() throws Exception;
  }

  private static void respond(HttpExchange exchange, Body body) throws IOException {
    int status = 200;
    String text;
    try {
      text = body.render();
    } catch (Exception failed) {
      status = 500;
      text = failed.toString();
    }
    byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
    exchange.sendResponseHeaders(status, bytes.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(bytes);
    }
  }

  @Override
  public void close() throws InterruptedException {
    server.stop(0);
    threads.shutdownNow();
    threads.awaitTermination(10, TimeUnit.SECONDS);
  }
}
