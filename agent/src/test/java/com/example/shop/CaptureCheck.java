package com.example.shop;

import io.querylens.QueryLens;
import io.querylens.capture.CaptureScope;
import io.querylens.capture.QueryCapture;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import javax.sql.DataSource;
import org.h2.jdbcx.JdbcDataSource;

/**
 * A test written against the public capture API, run under the agent: the agent records, the application's own
 * querylens-core asserts. Prints one line per check; a check that misbehaves ends the program with exit code 1.
 */
public final class CaptureCheck {

  public static void main(String[] args) throws Exception {
    try (Connection connection = Db.connect()) {
      Db.seedUsersAndProfiles(connection, 12);

      try (QueryCapture capture = QueryLens.capture("loadsNames", CaptureScope.THIS_THREAD)) {
        for (long user = 1; user <= 12; user++) {
          name(connection, user);
        }
        capture.assertThat().selects().exactly(12).inserts().none();
        try {
          capture.assertThat().noNPlusOne();
          fail("noNPlusOne passed on an N+1");
        } catch (AssertionError expected) {
          System.out.println("CAUGHT " + expected.getMessage().replace('\n', '|'));
        }
      }

      try (QueryCapture capture = QueryLens.capture("loadsOne", CaptureScope.THIS_THREAD)) {
        name(connection, 1);
        capture.assertThat().noNPlusOne().statements().exactly(1);
        System.out.println("ONE-STATEMENT-OK");
      }

      ExecutorService executor = Executors.newSingleThreadExecutor();
      try (QueryCapture mine = QueryLens.capture("mine", CaptureScope.THIS_THREAD);
          QueryCapture all = QueryLens.capture("all", CaptureScope.ALL_THREADS)) {
        executor.submit(() -> {
          try (Connection other = Db.connect()) {
            name(other, 2);
          }
          return null;
        }).get();
        mine.assertThat().statements().none();
        all.assertThat().selects().exactly(1).noConnectionLeak();
        System.out.println("THREADS-OK " + all.statements().get(0).threadName());
        System.out.println("CONNECTIONS " + all.connectionsOpened() + "/" + all.connectionsClosed() + " "
            + mine.connectionsOpened());
      } finally {
        executor.shutdown();
      }

      Connection leaked = null;
      try (QueryCapture capture = QueryLens.capture("leaks", CaptureScope.THIS_THREAD)) {
        leaked = Db.connect();
        name(leaked, 4);
        try {
          capture.assertThat().noConnectionLeak();
          fail("noConnectionLeak passed on a connection left open");
        } catch (AssertionError expected) {
          System.out.println("LEAK-CAUGHT " + expected.getMessage().replace('\n', '|'));
        }
      } finally {
        if (leaked != null) {
          leaked.close();
        }
      }

      if (!Db.isPostgres()) {
        JdbcDataSource h2 = new JdbcDataSource();
        h2.setURL(Db.url());
        DataSource wrapped = QueryLens.wrap(h2);
        try (QueryCapture capture = QueryLens.capture(); Connection viaWrapper = wrapped.getConnection()) {
          name(viaWrapper, 3);
          capture.assertThat().statements().exactly(1);
          System.out.println("WRAP-UNDER-AGENT-OK " + (wrapped == h2));
        }
      }
    }
  }

  static String name(Connection connection, long user) throws Exception {
    try (PreparedStatement lookup = connection.prepareStatement("select name from users where id = ?")) {
      lookup.setLong(1, user);
      try (ResultSet rows = lookup.executeQuery()) {
        rows.next();
        return rows.getString(1);
      }
    }
  }

  private static void fail(String why) {
    System.out.println("FAILED " + why);
    System.exit(1);
  }
}
