package io.querylens.sql;

import io.querylens.sql.SqlLexer.Token;
import io.querylens.sql.SqlLexer.Type;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Columns compared through a function an expression index can hold: {@code lower(email) = ?}. Only functions whose
 * result depends on their argument alone ({@code lower}, {@code upper}: immutable in PostgreSQL, so allowed in an
 * index), wrapping one bare column, compared with {@code =}, {@code <}, {@code >}, {@code <=}, {@code >=},
 * {@code IN} or {@code BETWEEN}. Read from the SQL's tokens, like {@link LikePatterns}.
 */
public final class IndexableExpressions {

  /** The functions an expression index may be suggested for. */
  private static final Set<String> FUNCTIONS = Set.of("lower", "upper");

  private IndexableExpressions() {}

  /** Each such column (lower case, qualifier dropped) and the function wrapping it, in order of appearance. */
  public static Map<String, String> in(String raw) {
    List<Token> tokens = SqlLexer.tokenize(raw);
    Map<String, String> found = new LinkedHashMap<>();
    for (int i = 0; i + 3 < tokens.size(); i++) {
      Token function = tokens.get(i);
      if (function.type() != Type.WORD || !FUNCTIONS.contains(function.text()) || !tokens.get(i + 1).isPunct('(')) {
        continue;
      }
      int close = i + 3;
      // t.column: the qualifier is dropped
      while (close + 1 < tokens.size() && tokens.get(close).isPunct('.')) {
        close += 2;
      }
      Token column = tokens.get(close - 1);
      if ((column.type() == Type.WORD || column.type() == Type.QUOTED) && !SqlLexer.isKeyword(column.text())
          && close < tokens.size() && tokens.get(close).isPunct(')') && (i == 0 || !tokens.get(i - 1).isPunct('.'))
          && comparedAfter(tokens, close + 1)) {
        found.putIfAbsent(column.text(), function.text());
      }
    }
    return found;
  }

  private static boolean comparedAfter(List<Token> tokens, int at) {
    if (at >= tokens.size()) {
      return false;
    }
    Token next = tokens.get(at);
    if (next.isWord("in") || next.isWord("between")) {
      return true;
    }
    if (next.isPunct('=')) {
      return true;
    }
    if (next.isPunct('<') || next.isPunct('>')) {
      // not <> (or !=, which starts with another character): no index serves an inequality
      return !(next.isPunct('<') && at + 1 < tokens.size() && tokens.get(at + 1).isPunct('>'));
    }
    return false;
  }
}
