package io.querylens.finding;

/** How bad a finding is; also the level it is logged at. */
public enum Severity {
  INFO,
  WARN,
  ERROR
}
