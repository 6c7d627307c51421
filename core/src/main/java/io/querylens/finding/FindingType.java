package io.querylens.finding;

/** What kind of problem a finding reports. The names are part of the JSON Lines contract. */
public enum FindingType {
  N_PLUS_ONE,
  SLOW_QUERY,
  MISSING_INDEX,
  POOL_EXHAUSTION,
  CONNECTION_LEAK,
  UNBOUNDED_RESULT_SET,
  OFFSET_PAGINATION,
  REPEATED_QUERY,
  UNBATCHED_WRITES,
  SELECT_STAR,
  /** SQL built in a way that costs later: literals instead of bind markers, leading-wildcard LIKE, cross joins. */
  SQL_LINT,
  /** A request or scope that ran too many statements or spent too long in the database. */
  CHATTY_REQUEST,
  /** A statement shape or endpoint whose p95 over a sliding window broke its SLO budget, or kept it again. */
  SLO_BREACH
}
