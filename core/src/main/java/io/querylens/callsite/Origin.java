package io.querylens.callsite;

/**
 * What issued a statement, read from the library frames between the JDBC call and the application's call site. It
 * picks the fix a finding suggests.
 */
public enum Origin {
  /** A lazy collection ({@code @OneToMany}/{@code @ManyToMany}) being initialised. */
  HIBERNATE_LAZY_COLLECTION,
  /** A lazy {@code @ManyToOne}/{@code @OneToOne} proxy being initialised. */
  HIBERNATE_LAZY_TO_ONE,
  /** A lazy basic attribute of a bytecode-enhanced entity. */
  HIBERNATE_LAZY_ATTRIBUTE,
  /** An EAGER to-one association loaded by a separate select per row of a query. */
  HIBERNATE_EAGER_TO_ONE,
  /** {@code EntityManager.find}/{@code Session.get} called in a loop. */
  HIBERNATE_FIND,
  /** Any other Hibernate-issued statement (a query). */
  HIBERNATE_QUERY,
  /** A Spring Data repository method. */
  SPRING_DATA_REPOSITORY,
  /** Spring's JdbcTemplate. */
  JDBC_TEMPLATE,
  /** The application called JDBC itself. */
  PLAIN_JDBC
}
