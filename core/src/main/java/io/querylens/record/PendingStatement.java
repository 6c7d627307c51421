package io.querylens.record;

import io.querylens.sql.ResolvedSql;

/**
 * A statement this thread prepared, with its SQL: one immutable pair, so that another thread reading it sees both
 * halves together.
 */
record PendingStatement(Object statement, ResolvedSql sql) {}
