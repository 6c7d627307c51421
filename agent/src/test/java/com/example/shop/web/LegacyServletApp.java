package com.example.shop.web;

import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import javax.servlet.http.HttpServlet;
import javax.servlet.http.HttpServletRequest;
import javax.servlet.http.HttpServletResponse;

/**
 * A javax (Servlet 4) servlet, called through {@code HttpServlet.service} the way a container calls it, with a
 * request for {@code GET /legacy/customers/42/orders}. Its {@code doGet} has an N+1. Proves that javax requests are
 * units of work (Jetty 12 on the same class path only speaks jakarta).
 */
public final class LegacyServletApp {

  static Connection connection;

  public static void main(String[] args) throws Exception {
    connection = DriverManager.getConnection("jdbc:h2:mem:legacy");
    try (Statement statement = connection.createStatement()) {
      statement.execute("create table lines (id int primary key, order_id int, sku varchar(20))");
      statement.execute("insert into lines select x, x, concat('sku-', x) from system_range(1, 9)");
    }
    OrdersServlet servlet = new OrdersServlet();
    for (int request = 0; request < 2; request++) {
      servlet.service(request("GET", "/legacy/customers/42/orders"), response());
    }
    connection.close();
  }

  static HttpServletRequest request(String method, String uri) {
    return (HttpServletRequest) Proxy.newProxyInstance(LegacyServletApp.class.getClassLoader(),
        new Class<?>[] {HttpServletRequest.class}, (proxy, called, arguments) -> switch (called.getName()) {
          case "getMethod" -> method;
          case "getRequestURI" -> uri;
          case "getProtocol" -> "HTTP/1.1";
          case "getDateHeader" -> -1L;
          case "hashCode" -> System.identityHashCode(proxy);
          case "equals" -> proxy == arguments[0];
          default -> null;
        });
  }

  static HttpServletResponse response() {
    return (HttpServletResponse) Proxy.newProxyInstance(LegacyServletApp.class.getClassLoader(),
        new Class<?>[] {HttpServletResponse.class}, (proxy, called, arguments) -> switch (called.getName()) {
          case "hashCode" -> System.identityHashCode(proxy);
          case "equals" -> proxy == arguments[0];
          case "isCommitted" -> false;
          default -> null;
        });
  }

  /** One select per order line: the N+1. */
  static final class OrdersServlet extends HttpServlet {
    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) {
      try {
        for (int order = 1; order <= 9; order++) {
          try (PreparedStatement line = connection.prepareStatement("select sku from lines where order_id = ?")) {
            line.setInt(1, order);
            try (ResultSet rows = line.executeQuery()) {
              rows.next();
              System.out.println(rows.getString(1));
            }
          }
        }
      } catch (java.sql.SQLException failed) {
        throw new IllegalStateException(failed);
      }
    }
  }
}
