package io.querylens.sql;

/** What a statement does, from its leading keyword (or the main statement after a {@code WITH} clause). */
public enum StatementKind {
  SELECT,
  INSERT,
  UPDATE,
  DELETE,
  /** MERGE / UPSERT-style statements. */
  MERGE,
  /** Stored procedure calls: {@code call}, {@code {call ...}}, {@code exec}. */
  CALL,
  /** create / alter / drop / truncate / comment / grant / revoke. */
  DDL,
  /** Anything else: set, show, begin, commit, explain, vendor commands. */
  OTHER;

  /** True for statements that change rows (insert, update, delete, merge). */
  public boolean isWrite() {
    return this == INSERT || this == UPDATE || this == DELETE || this == MERGE;
  }
}
