package io.querylens.sql;

/**
 * A raw SQL string resolved to its interned shape, cached by raw text.
 *
 * @param raw the SQL as the application passed it (contains literals: never report it unless parameters are shown)
 * @param shape the interned shape
 * @param literalHash hash of the literals in {@code raw}, 0 when none
 * @param multiValued true for set-based reads (an IN list of several items, {@code = ANY(?)})
 * @param listItems the items of its {@code IN (...)} lists, 0 when it has none
 * @param kind what the statement does (also when {@code shape} is a placeholder)
 * @param placeholderSql the normalized statement when {@code shape} is the placeholder of shapes past
 *     {@code shapes.max}, else null
 */
public record ResolvedSql(
    String raw, StatementShape shape, long literalHash, boolean multiValued, int listItems,
    StatementKind kind, String placeholderSql) {

  /** The normalized statement: the shape's, or the statement's own when its shape is a placeholder. */
  public String shapeSql() {
    return placeholderSql != null ? placeholderSql : shape.sql();
  }
}
