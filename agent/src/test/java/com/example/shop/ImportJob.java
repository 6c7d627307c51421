package com.example.shop;

import io.querylens.QueryLens;
import io.querylens.UnitOfWorkScope;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;

/**
 * A nightly job that marks its work with the public API: every import is one unit of work, so its per-row lookups are
 * an N+1 even though they are spread over time and no request or transaction surrounds them.
 */
public final class ImportJob {

  public static void main(String[] args) throws Exception {
    try (Connection connection = Db.connect()) {
      Db.seedUsersAndProfiles(connection, 12);
      try (UnitOfWorkScope scope = QueryLens.unitOfWork("nightly-import")) {
        for (long user = 1; user <= 12; user++) {
          importOne(connection, user);
          Thread.sleep(30);
        }
      }
    }
  }

  static void importOne(Connection connection, long user) throws Exception {
    try (PreparedStatement lookup = connection.prepareStatement("select name from users where id = ?")) {
      lookup.setLong(1, user);
      try (ResultSet rows = lookup.executeQuery()) {
        rows.next();
        System.out.println("imported " + rows.getString(1));
      }
    }
  }
}
