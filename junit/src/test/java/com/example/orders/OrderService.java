package com.example.orders;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import javax.sql.DataSource;

/** The application the extension's tests check: each method does its data access well or badly on purpose. */
public final class OrderService {

  private final DataSource dataSource;

  public OrderService(DataSource dataSource) {
    this.dataSource = dataSource;
  }

  /** orders(20), each with a product; recreated. */
  public void createSchema() throws SQLException {
    try (Connection connection = dataSource.getConnection(); Statement statement = connection.createStatement()) {
      statement.execute("drop table if exists orders");
      statement.execute("drop table if exists products");
      statement.execute("create table products (id bigint primary key, sku varchar(40) not null, name varchar(100))");
      statement.execute("create table orders (id bigint primary key, product_id bigint not null)");
      statement.execute("create alias if not exists sleep_ms for 'java.lang.Thread.sleep'");
      for (int i = 1; i <= 20; i++) {
        statement.execute("insert into products (id, sku, name) values (" + i + ", 'sku-" + i + "', 'product " + i
            + "')");
        statement.execute("insert into orders (id, product_id) values (" + (100 + i) + ", " + i + ")");
      }
    }
  }

  /** One select for the orders, then one per order for its product: an N+1. */
  public List<String> listOrdersOneByOne() throws SQLException {
    List<String> skus = new ArrayList<>();
    try (Connection connection = dataSource.getConnection()) {
      List<Long> productIds = new ArrayList<>();
      try (PreparedStatement orders = connection.prepareStatement("select id, product_id from orders order by id");
          ResultSet rows = orders.executeQuery()) {
        while (rows.next()) {
          productIds.add(rows.getLong(2));
        }
      }
      for (long productId : productIds) {
        skus.add(sku(connection, productId));
      }
    }
    return skus;
  }

  /** The same in one join. */
  public List<String> listOrdersJoined() throws SQLException {
    List<String> skus = new ArrayList<>();
    try (Connection connection = dataSource.getConnection();
        PreparedStatement orders = connection.prepareStatement(
            "select o.id, p.sku from orders o join products p on p.id = o.product_id order by o.id");
        ResultSet rows = orders.executeQuery()) {
      while (rows.next()) {
        skus.add(rows.getString(2));
      }
    }
    return skus;
  }

  /** Reads the same product twice. */
  public String productTwice(long id) throws SQLException {
    try (Connection connection = dataSource.getConnection()) {
      sku(connection, id);
      return sku(connection, id);
    }
  }

  /** Inserts products one statement per row. */
  public void importRowByRow(int first, int rows) throws SQLException {
    try (Connection connection = dataSource.getConnection();
        PreparedStatement insert = connection.prepareStatement("insert into products (id, sku) values (?, ?)")) {
      for (int i = first; i < first + rows; i++) {
        insert.setLong(1, i);
        insert.setString(2, "sku-" + i);
        insert.executeUpdate();
      }
    }
  }

  /** Inserts products in one batch. */
  public void importBatched(int first, int rows) throws SQLException {
    try (Connection connection = dataSource.getConnection();
        PreparedStatement insert = connection.prepareStatement("insert into products (id, sku) values (?, ?)")) {
      for (int i = first; i < first + rows; i++) {
        insert.setLong(1, i);
        insert.setString(2, "sku-" + i);
        insert.addBatch();
      }
      insert.executeBatch();
    }
  }

  /** Searches by a substring of the name: LIKE with a leading wildcard. */
  public int searchContaining(String text) throws SQLException {
    try (Connection connection = dataSource.getConnection();
        PreparedStatement search = connection.prepareStatement("select id from products where name like ?")) {
      search.setString(1, "%" + text + "%");
      return count(search);
    }
  }

  /** A query with the value written into the SQL. */
  public int countWithLiteral() throws SQLException {
    try (Connection connection = dataSource.getConnection();
        PreparedStatement query = connection.prepareStatement("select id from products where id > 5")) {
      return count(query);
    }
  }

  /** A statement that takes at least {@code millis}. */
  public void slow(long millis) throws SQLException {
    try (Connection connection = dataSource.getConnection();
        PreparedStatement sleep = connection.prepareStatement("select sleep_ms(?)")) {
      sleep.setLong(1, millis);
      sleep.executeQuery().close();
    }
  }

  /** Deletes one product. */
  public void deleteProduct(long id) throws SQLException {
    try (Connection connection = dataSource.getConnection();
        PreparedStatement delete = connection.prepareStatement("delete from products where id = ?")) {
      delete.setLong(1, id);
      delete.executeUpdate();
    }
  }

  private static String sku(Connection connection, long productId) throws SQLException {
    try (PreparedStatement product = connection.prepareStatement("select sku from products where id = ?")) {
      product.setLong(1, productId);
      try (ResultSet rows = product.executeQuery()) {
        rows.next();
        return rows.getString(1);
      }
    }
  }

  private static int count(PreparedStatement query) throws SQLException {
    int count = 0;
    try (ResultSet rows = query.executeQuery()) {
      while (rows.next()) {
        count++;
      }
    }
    return count;
  }

  /** Opens a connection for a report and hands it back without closing it: a leak. */
  public Connection openReportConnection() throws SQLException {
    Connection connection = dataSource.getConnection();
    try (Statement statement = connection.createStatement()) {
      statement.executeQuery("select count(*) from orders").close();
    }
    return connection;
  }
}
