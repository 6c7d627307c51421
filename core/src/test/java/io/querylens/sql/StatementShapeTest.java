package io.querylens.sql;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * The record the unbounded-result-set check keeps per shape: the longest execution read in the last second that
 * returned too few rows. Only a slower one is read again; the record lasts a second.
 */
class StatementShapeTest {

  private static final long MS = 1_000_000L;

  private final StatementShape shape = new StatementShape(1, "select id from t where a between ? and ?",
      StatementKind.SELECT, false);

  @Test
  void theLongestFewRowExecutionOfTheLastSecondIsKept() {
    long start = 1_000 * MS;
    assertThat(shape.rowsCheckedUpToNanos(start)).as("nothing read yet").isZero();

    shape.rowsCheckedUpTo(2 * MS, start);
    shape.rowsCheckedUpTo(1 * MS, start + 100 * MS);

    assertThat(shape.rowsCheckedUpToNanos(start + 500 * MS)).as("a shorter one does not lower it").isEqualTo(2 * MS);

    shape.rowsCheckedUpTo(3 * MS, start + 600 * MS);

    assertThat(shape.rowsCheckedUpToNanos(start + 1_500 * MS)).as("a longer one raises it, from its own end")
        .isEqualTo(3 * MS);
    assertThat(shape.rowsCheckedUpToNanos(start + 1_601 * MS)).as("a second after the longest: gone").isZero();

    shape.rowsCheckedUpTo(1 * MS, start + 1_700 * MS);

    assertThat(shape.rowsCheckedUpToNanos(start + 1_800 * MS)).as("the next read starts a new record")
        .isEqualTo(1 * MS);
  }
}
