package com.example.shop.isolated;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.Properties;

/** Plain JDBC with an N+1, loaded by {@link ChildFirstLauncher}'s isolated loader, with a driver from that loader. */
public final class IsolatedJob {

  public void run() throws Exception {
    try (Connection connection = new org.h2.Driver().connect("jdbc:h2:mem:isolated", new Properties())) {
      try (Statement statement = connection.createStatement()) {
        statement.execute("create table tags (id int primary key, label varchar(20))");
        statement.execute("insert into tags select x, concat('tag-', x) from system_range(1, 8)");
      }
      for (int id = 1; id <= 8; id++) {
        label(connection, id);
      }
    }
  }

  private void label(Connection connection, int id) throws Exception {
    try (PreparedStatement select = connection.prepareStatement("select label from tags where id = ?")) {
      select.setInt(1, id);
      try (ResultSet rows = select.executeQuery()) {
        rows.next();
        System.out.println(rows.getString(1));
      }
    }
  }
}
