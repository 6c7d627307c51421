package org.springframework.jdbc.core;

import java.util.function.Supplier;

/** Stands in for Spring's JdbcTemplate on the stack between application code and the driver. */
public final class FakeJdbcTemplate {

  private FakeJdbcTemplate() {}

  public static <T> T query(Supplier<T> driverCall) {
    return driverCall.get();
  }
}
