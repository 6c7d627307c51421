package io.querylens.sql;

/**
 * The output of one {@link SqlNormalizer} pass over a raw SQL string.
 *
 * @param shape the statement shape: literals and bind markers are {@code ?}, {@code IN (?, ?, ?)} lists and repeated
 *     {@code VALUES} rows collapse, comments and whitespace fold, unquoted words are lower case. Holds no literal.
 * @param kind what the statement does
 * @param literalHash a hash of the literal values the pass replaced (0 when there were none); two executions of one
 *     plain-{@code Statement} shape with different literals have different hashes
 * @param literalCount how many literals the pass replaced
 * @param multiValued true when the statement reads a set of keys in one go: an {@code IN} list of two or more items or
 *     {@code = ANY(?)}; set-based loads are what an N+1 should become, never an N+1 themselves
 * @param listItems the items of its {@code IN (...)} lists (of one item too), 0 when it has none: one shape with
 *     varying list sizes is a different statement to the database's plan cache for every size
 * @param truncated true when the input was longer than the normalizer's cap and only its head was normalized
 */
public record NormalizedSql(
    String shape, StatementKind kind, long literalHash, int literalCount, boolean multiValued, int listItems,
    boolean truncated) {}
