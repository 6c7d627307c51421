package com.example.shop;

import io.querylens.QueryLens;
import io.querylens.capture.CaptureScope;
import io.querylens.capture.QueryCapture;
import java.sql.Connection;
import java.sql.Statement;

/**
 * Opens a capture as the very first thing in {@code main}, while the agent is still starting querylens beside it: the
 * capture waits for the start, then sees every statement that follows.
 */
public final class EarlyCaptureCheck {

  public static void main(String[] args) throws Exception {
    try (QueryCapture capture = QueryLens.capture("early", CaptureScope.THIS_THREAD)) {
      try (Connection connection = Db.connect(); Statement statement = connection.createStatement()) {
        for (int run = 0; run < 3; run++) {
          statement.executeQuery("select 1").close();
        }
      }
      capture.assertThat().selects().exactly(3);
      System.out.println("EARLY-CAPTURE-OK " + capture.statements().size());
    }
  }
}
