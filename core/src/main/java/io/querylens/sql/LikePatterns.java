package io.querylens.sql;

import io.querylens.sql.SqlLexer.Token;
import io.querylens.sql.SqlLexer.Type;
import java.util.List;

/**
 * LIKE patterns that start with a wildcard ({@code %} or {@code _}), which no B-tree index on the column can serve:
 * the database reads every row and tests the pattern on each; and those with a fixed prefix, which one can.
 */
public final class LikePatterns {

  private LikePatterns() {}

  /**
   * Whether a LIKE or ILIKE in {@code raw} starts with a wildcard: a literal pattern ({@code like '%x'},
   * {@code like '%' || ?}, {@code like concat('%', ?)}, also inside {@code lower(...)}), or a bind marker whose
   * parameter was bound to such a string.
   *
   * @param raw the SQL as the application passed it
   * @param wildcardParameters bit i set when parameter i (1 to 63) was bound to a string starting with {@code %} or
   *     {@code _}
   */
  public static boolean leadingWildcard(String raw, long wildcardParameters) {
    List<Token> tokens = SqlLexer.tokenize(raw);
    int[] markerIndex = new int[tokens.size()];
    int markers = 0;
    for (int i = 0; i < tokens.size(); i++) {
      if (tokens.get(i).type() == Type.MARKER) {
        markerIndex[i] = ++markers;
      }
    }
    for (int i = 0; i + 1 < tokens.size(); i++) {
      Token token = tokens.get(i);
      if ((token.isWord("like") || token.isWord("ilike")) && patternStartsWithWildcard(tokens, i + 1, markerIndex,
          wildcardParameters)) {
        return true;
      }
    }
    return false;
  }

  /**
   * The columns {@code raw} compares with {@code LIKE} to a string literal that does not start with a wildcard
   * ({@code name like 'abc%'}): a B-tree index can serve those by the pattern's fixed prefix. Lower case, qualifier
   * dropped; not {@code NOT LIKE}, not {@code ILIKE}, not a column inside a function, not a bound pattern (its value
   * is not known when the statement is planned).
   */
  public static java.util.Set<String> prefixPatternColumns(String raw) {
    List<Token> tokens = SqlLexer.tokenize(raw);
    java.util.Set<String> columns = new java.util.LinkedHashSet<>();
    for (int i = 1; i + 1 < tokens.size(); i++) {
      Token before = tokens.get(i - 1);
      Token pattern = tokens.get(i + 1);
      if (tokens.get(i).isWord("like") && (before.type() == Type.WORD || before.type() == Type.QUOTED)
          && !before.isWord("not") && pattern.type() == Type.STRING && pattern.text().length() > 2
          && pattern.text().charAt(0) == '\'' && pattern.text().charAt(1) != '%' && pattern.text().charAt(1) != '_') {
        columns.add(before.text());
      }
    }
    return columns;
  }

  private static boolean patternStartsWithWildcard(List<Token> tokens, int from, int[] markerIndex,
      long wildcardParameters) {
    int i = from;
    // Past the functions and parentheses the pattern opens with: lower(, concat(, ((.
    while (i < tokens.size() && (tokens.get(i).isPunct('(')
        || tokens.get(i).type() == Type.WORD && i + 1 < tokens.size() && tokens.get(i + 1).isPunct('('))) {
      i++;
    }
    // N'...' and E'...' strings.
    if (i + 1 < tokens.size() && (tokens.get(i).isWord("n") || tokens.get(i).isWord("e"))
        && tokens.get(i + 1).type() == Type.STRING) {
      i++;
    }
    if (i >= tokens.size()) {
      return false;
    }
    Token first = tokens.get(i);
    if (first.type() == Type.STRING) {
      String text = first.text();
      return text.length() > 1 && text.charAt(0) == '\'' && (text.charAt(1) == '%' || text.charAt(1) == '_');
    }
    if (first.type() == Type.MARKER) {
      int index = markerIndex[i];
      return index < 64 && (wildcardParameters & 1L << index) != 0;
    }
    return false;
  }
}
