package com.example.shop;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * A feed built with plain JDBC: {@link #renderWithNPlusOne} loads each user's profile in a loop (the N+1),
 * {@link #renderWithOneQuery} loads them all with one join.
 */
public final class FeedService {

  private final Connection connection;

  public FeedService(Connection connection) {
    this.connection = connection;
  }

  public List<String> renderWithNPlusOne() throws SQLException {
    List<Long> ids = new ArrayList<>();
    try (PreparedStatement users = connection.prepareStatement("select id from users order by id");
        ResultSet rows = users.executeQuery()) {
      while (rows.next()) {
        ids.add(rows.getLong(1));
      }
    }
    List<String> lines = new ArrayList<>();
    for (long id : ids) {
      try (PreparedStatement profile = connection.prepareStatement(
          "select p.id, p.bio from profiles p where p.user_id = ?")) {
        profile.setLong(1, id);
        try (ResultSet rows = profile.executeQuery()) {
          while (rows.next()) {
            lines.add(id + ": " + rows.getString(2));
          }
        }
      }
    }
    return lines;
  }

  public List<String> renderWithOneQuery() throws SQLException {
    List<String> lines = new ArrayList<>();
    try (PreparedStatement feed = connection.prepareStatement(
            "select u.id, p.bio from users u join profiles p on p.user_id = u.id order by u.id");
        ResultSet rows = feed.executeQuery()) {
      while (rows.next()) {
        lines.add(rows.getLong(1) + ": " + rows.getString(2));
      }
    }
    return lines;
  }
}
