package io.querylens.sql;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * A forgiving SQL tokenizer and the lexical guesses built on it: the statement kind, the tables, and where the bind
 * markers are. It is what {@link SqlAnalyzer} falls back on when JSqlParser cannot be used, so it must accept anything
 * (truncated shapes, garbage, unbalanced quotes) in one linear pass and never throw. Public for the few places
 * outside this package that look into raw SQL (the OFFSET detector, PostgreSQL's bind-marker numbering).
 */
public final class SqlLexer {

  /** What a token is. */
  public enum Type {
    /** An unquoted word, lower-cased. */
    WORD,
    /** A quoted identifier ({@code "x"}, {@code `x`}, {@code [x]}), quotes stripped, lower-cased. */
    QUOTED,
    STRING,
    NUMBER,
    /** A {@code ?} bind marker (also {@code ?1}). */
    MARKER,
    /** Any other single character. */
    PUNCT
  }

  /**
   * One token.
   *
   * @param type what it is
   * @param text its text (words and quoted identifiers lower-cased, quotes stripped from identifiers)
   * @param start its offset in the SQL
   */
  public record Token(Type type, String text, int start) {
    public boolean isWord(String word) {
      return type == Type.WORD && text.equals(word);
    }

    public boolean isPunct(char c) {
      return type == Type.PUNCT && text.length() == 1 && text.charAt(0) == c;
    }

    /** True for something that can name a table or column: a non-keyword word or a quoted identifier. */
    boolean isIdentifier() {
      return type == Type.QUOTED || (type == Type.WORD && !KEYWORDS.contains(text));
    }
  }

  /** Words that end a table list or can never be a table or alias name. */
  static final Set<String> KEYWORDS =
      words(
          "select", "from", "where", "join", "inner", "left", "right", "full", "outer", "cross", "natural", "on",
          "using", "group", "order", "by", "having", "limit", "offset", "fetch", "union", "intersect", "except",
          "minus", "set", "values", "value", "as", "with", "returning", "for", "window", "lateral", "and", "or",
          "not", "in", "is", "null", "like", "ilike", "between", "exists", "case", "when", "then", "else", "end",
          "into", "update", "delete", "insert", "merge", "distinct", "all", "top", "only", "straight_join",
          "partition", "default", "table", "qualify", "connect", "start", "apply", "outer", "option", "procedure",
          "lock", "share", "nowait", "skip", "do", "conflict", "duplicate", "key", "matched", "recursive", "any",
          "some", "upsert", "replace", "call", "exec", "execute", "of");

  /** Whether {@code word} (lower case) is one of the keywords above: SQL that names it must quote it. */
  public static boolean isKeyword(String word) {
    return KEYWORDS.contains(word);
  }

  /** Functions whose argument syntax uses FROM without naming a table. */
  private static final Set<String> FROM_FUNCTIONS = Set.of("extract", "trim", "substring", "overlay", "position");

  private SqlLexer() {}

  private static Set<String> words(String... words) {
    return Set.copyOf(Arrays.asList(words));
  }

  /** Writes the text for the bind marker at {@code index} of {@code tokens}; returns how many tokens it replaced. */
  @FunctionalInterface
  public interface MarkerRewrite {
    int rewrite(List<Token> tokens, int index, StringBuilder out);
  }

  /**
   * {@code sql} with each of its bind markers replaced by what {@code rewrite} writes; quotes, quoted identifiers,
   * dollar quotes and comments are left as they are (their {@code ?} are not markers).
   */
  public static String rewriteMarkers(String sql, MarkerRewrite rewrite) {
    StringBuilder out = new StringBuilder(sql.length() + 16);
    int copied = 0;
    List<Token> tokens = tokenize(sql);
    for (int i = 0; i < tokens.size(); i++) {
      if (tokens.get(i).type() != Type.MARKER) {
        continue;
      }
      out.append(sql, copied, tokens.get(i).start());
      int replaced = rewrite.rewrite(tokens, i, out);
      i += replaced - 1;
      copied = tokens.get(i).start() + 1;
    }
    return out.append(sql, copied, sql.length()).toString();
  }

  /** Tokenizes {@code sql}; unterminated quotes and comments run to the end. */
  public static List<Token> tokenize(String sql) {
    List<Token> tokens = new ArrayList<>();
    if (sql == null) {
      return tokens;
    }
    int n = sql.length();
    int i = 0;
    while (i < n) {
      char c = sql.charAt(i);
      int start = i;
      if (Character.isWhitespace(c)) {
        i++;
      } else if (c == '-' && i + 1 < n && sql.charAt(i + 1) == '-') {
        while (i < n && sql.charAt(i) != '\n') {
          i++;
        }
      } else if (c == '/' && i + 1 < n && sql.charAt(i + 1) == '*') {
        int close = sql.indexOf("*/", i + 2);
        i = close < 0 ? n : close + 2;
      } else if (c == '\'') {
        i = skipQuoted(sql, i, '\'');
        tokens.add(new Token(Type.STRING, sql.substring(start, i), start));
      } else if (c == '"' || c == '`') {
        i = skipQuoted(sql, i, c);
        int end = i > start + 1 && sql.charAt(i - 1) == c ? i - 1 : i;
        String inner = sql.substring(start + 1, end).replace(String.valueOf(c) + c, String.valueOf(c));
        tokens.add(new Token(Type.QUOTED, inner.toLowerCase(Locale.ROOT), start));
      } else if (c == '[' && bracketIdentifierEnd(sql, i) > 0) {
        i = bracketIdentifierEnd(sql, i);
        tokens.add(new Token(Type.QUOTED, sql.substring(start + 1, i - 1).toLowerCase(Locale.ROOT), start));
      } else if (c == '$' && dollarQuoteEnd(sql, i) > 0) {
        i = dollarQuoteEnd(sql, i);
        tokens.add(new Token(Type.STRING, sql.substring(start, i), start));
      } else if (c == '?') {
        i++;
        while (i < n && Character.isDigit(sql.charAt(i))) {
          i++;
        }
        tokens.add(new Token(Type.MARKER, "?", start));
      } else if (Character.isDigit(c)) {
        while (i < n && (Character.isLetterOrDigit(sql.charAt(i)) || sql.charAt(i) == '.')) {
          i++;
        }
        tokens.add(new Token(Type.NUMBER, sql.substring(start, i), start));
      } else if (Character.isLetter(c) || c == '_') {
        while (i < n && isWordPart(sql.charAt(i))) {
          i++;
        }
        tokens.add(new Token(Type.WORD, sql.substring(start, i).toLowerCase(Locale.ROOT), start));
      } else {
        i++;
        tokens.add(new Token(Type.PUNCT, String.valueOf(c), start));
      }
    }
    return tokens;
  }

  private static boolean isWordPart(char c) {
    return Character.isLetterOrDigit(c) || c == '_' || c == '$' || c == '#';
  }

  /** Returns the index after the closing quote (doubled quotes escape), or the end of input. */
  private static int skipQuoted(String sql, int open, char quote) {
    int i = open + 1;
    while (i < sql.length()) {
      if (sql.charAt(i) == quote) {
        if (i + 1 < sql.length() && sql.charAt(i + 1) == quote) {
          i += 2;
          continue;
        }
        return i + 1;
      }
      i++;
    }
    return sql.length();
  }

  /**
   * SQL Server's {@code [name]}. Brackets are also PostgreSQL array syntax ({@code a[1]}, {@code array[?]}), so only
   * a bracket holding a plain name, not right after a name or a closing bracket, counts as a quoted identifier.
   */
  static int bracketIdentifierEnd(String sql, int open) {
    int p = open - 1;
    while (p >= 0 && sql.charAt(p) == ' ') {
      p--;
    }
    if (p >= 0 && (isWordPart(sql.charAt(p)) || sql.charAt(p) == ']' || sql.charAt(p) == ')')) {
      if (!precededByKeyword(sql, p)) {
        return -1;
      }
    }
    int i = open + 1;
    if (i >= sql.length() || !(Character.isLetter(sql.charAt(i)) || sql.charAt(i) == '_')) {
      return -1;
    }
    while (i < sql.length() && (isWordPart(sql.charAt(i)) || sql.charAt(i) == ' ')) {
      i++;
    }
    return i < sql.length() && sql.charAt(i) == ']' ? i + 1 : -1;
  }

  private static boolean precededByKeyword(String sql, int lastCharOfWord) {
    int s = lastCharOfWord;
    while (s >= 0 && isWordPart(sql.charAt(s))) {
      s--;
    }
    String word = sql.substring(s + 1, lastCharOfWord + 1).toLowerCase(Locale.ROOT);
    return !word.isEmpty() && KEYWORDS.contains(word);
  }

  /** PostgreSQL {@code $tag$ ... $tag$}; returns the index after the closing tag or -1 when this is no such quote. */
  private static int dollarQuoteEnd(String sql, int open) {
    int i = open + 1;
    while (i < sql.length() && (Character.isLetter(sql.charAt(i)) || sql.charAt(i) == '_')) {
      i++;
    }
    if (i >= sql.length() || sql.charAt(i) != '$') {
      return -1;
    }
    String tag = sql.substring(open, i + 1);
    int close = sql.indexOf(tag, i + 1);
    return close < 0 ? sql.length() : close + tag.length();
  }

  /** True when the text holds a {@code [name]} identifier, so JSqlParser must treat brackets as quotes. */
  static boolean hasBracketIdentifier(String sql, List<Token> tokens) {
    for (Token t : tokens) {
      if (t.type() == Type.QUOTED && sql.charAt(t.start()) == '[') {
        return true;
      }
    }
    return false;
  }

  /** The start offsets of the bind markers, in text order. */
  static List<Integer> markerPositions(List<Token> tokens) {
    List<Integer> positions = new ArrayList<>();
    for (Token t : tokens) {
      if (t.type() == Type.MARKER) {
        positions.add(t.start());
      }
    }
    return positions;
  }

  // ---------------------------------------------------------------------------------------------------------------
  // Statement kind

  /** The kind from the leading keyword; after {@code WITH}, from the first statement keyword past the CTE list. */
  static StatementKind kind(List<Token> tokens) {
    int i = 0;
    // JDBC escapes and parenthesised statements: "{call p(?)}", "{? = call p(?)}", "(select ...)"
    while (i < tokens.size()) {
      Token t = tokens.get(i);
      if (t.isPunct('(') || t.isPunct('{')) {
        i++;
      } else if (t.type() == Type.MARKER && i + 1 < tokens.size() && tokens.get(i + 1).isPunct('=')) {
        i += 2;
      } else {
        break;
      }
    }
    if (i >= tokens.size() || tokens.get(i).type() != Type.WORD) {
      return StatementKind.OTHER;
    }
    String word = tokens.get(i).text();
    if (word.equals("with")) {
      int main = skipWithClause(tokens, i, new HashSet<>());
      if (main < tokens.size() && tokens.get(main).type() == Type.WORD) {
        StatementKind k = keywordKind(tokens.get(main).text());
        return k == StatementKind.DDL || k == StatementKind.CALL ? StatementKind.OTHER : k;
      }
      return StatementKind.OTHER;
    }
    return keywordKind(word);
  }

  static StatementKind keywordKind(String word) {
    return switch (word) {
      case "select", "values", "table" -> StatementKind.SELECT;
      case "insert" -> StatementKind.INSERT;
      case "update" -> StatementKind.UPDATE;
      case "delete" -> StatementKind.DELETE;
      case "merge", "upsert", "replace" -> StatementKind.MERGE;
      case "call", "exec", "execute" -> StatementKind.CALL;
      case "create", "alter", "drop", "truncate", "comment", "grant", "revoke", "rename" -> StatementKind.DDL;
      default -> StatementKind.OTHER;
    };
  }

  /**
   * Skips {@code WITH [RECURSIVE] name [(cols)] AS [[NOT] MATERIALIZED] (...) [, ...]} starting at the {@code with}
   * token, collecting the CTE names. Returns the index of the token after the CTE list.
   */
  static int skipWithClause(List<Token> tokens, int withIndex, Set<String> cteNames) {
    int i = withIndex + 1;
    if (i < tokens.size() && tokens.get(i).isWord("recursive")) {
      i++;
    }
    while (i < tokens.size() && tokens.get(i).isIdentifier()) {
      cteNames.add(tokens.get(i).text());
      i++;
      if (i < tokens.size() && tokens.get(i).isPunct('(')) {
        i = skipParens(tokens, i);
      }
      if (i < tokens.size() && tokens.get(i).isWord("as")) {
        i++;
      }
      while (i < tokens.size()
          && (tokens.get(i).isWord("not") || tokens.get(i).isWord("materialized"))) {
        i++;
      }
      if (i < tokens.size() && tokens.get(i).isPunct('(')) {
        i = skipParens(tokens, i);
      } else {
        return i;
      }
      if (i < tokens.size() && tokens.get(i).isPunct(',')) {
        i++;
      } else {
        return i;
      }
    }
    return i;
  }

  /** Returns the index after the parenthesis that closes the one at {@code open} (or the end). */
  static int skipParens(List<Token> tokens, int open) {
    int depth = 0;
    for (int i = open; i < tokens.size(); i++) {
      Token t = tokens.get(i);
      if (t.isPunct('(')) {
        depth++;
      } else if (t.isPunct(')')) {
        depth--;
        if (depth == 0) {
          return i + 1;
        }
      }
    }
    return tokens.size();
  }

  // ---------------------------------------------------------------------------------------------------------------
  // Tables

  /** Every CTE name defined anywhere in the text. */
  static Set<String> cteNames(List<Token> tokens) {
    Set<String> names = new HashSet<>();
    for (int i = 0; i < tokens.size(); i++) {
      if (tokens.get(i).isWord("with")) {
        skipWithClause(tokens, i, names);
      }
    }
    return names;
  }

  /**
   * The lexer's guess at the tables: the names right after FROM, JOIN, INTO, UPDATE and USING (and the rest of a
   * comma list after FROM or UPDATE), without CTE names and table functions.
   */
  static List<String> guessTables(List<Token> tokens) {
    Set<String> ctes = cteNames(tokens);
    LinkedHashSet<String> tables = new LinkedHashSet<>();
    // which parentheses belong to extract(... from x) and friends; their FROM names no table
    ArrayDeque<Boolean> fromFunctionParens = new ArrayDeque<>();
    for (int i = 0; i < tokens.size(); i++) {
      Token t = tokens.get(i);
      if (t.isPunct('(')) {
        Token before = i > 0 ? tokens.get(i - 1) : null;
        fromFunctionParens.push(before != null && before.type() == Type.WORD && FROM_FUNCTIONS.contains(before.text()));
        continue;
      }
      if (t.isPunct(')')) {
        fromFunctionParens.poll();
        continue;
      }
      if (t.type() != Type.WORD) {
        continue;
      }
      switch (t.text()) {
        case "from" -> {
          boolean inFunction = Boolean.TRUE.equals(fromFunctionParens.peek());
          boolean distinctFrom = i > 0 && tokens.get(i - 1).isWord("distinct");
          if (!inFunction && !distinctFrom) {
            readTableList(tokens, i + 1, true, true, ctes, tables);
          }
        }
        case "join", "update" -> readTableList(tokens, i + 1, true, true, ctes, tables);
        case "into" -> readTableList(tokens, i + 1, false, false, ctes, tables);
        case "using" -> {
          // "join t using (id)" names columns; only "using tbl" (MERGE, DELETE ... USING) names a table
          if (i + 1 < tokens.size() && !tokens.get(i + 1).isPunct('(')) {
            readTableList(tokens, i + 1, true, true, ctes, tables);
          }
        }
        default -> {}
      }
    }
    return List.copyOf(tables);
  }

  private static void readTableList(
      List<Token> tokens, int i, boolean list, boolean parenMeansFunction, Set<String> ctes, Set<String> out) {
    while (i < tokens.size()) {
      // "from (select ...)", "from ((a join b ...))", "from lateral ...", "from only t"
      while (i < tokens.size()
          && (tokens.get(i).isPunct('(')
              || tokens.get(i).isWord("lateral")
              || tokens.get(i).isWord("only")
              || tokens.get(i).isWord("table")
              || tokens.get(i).isWord("ignore")
              || tokens.get(i).isWord("low_priority"))) {
        i++;
      }
      if (i >= tokens.size() || !tokens.get(i).isIdentifier()) {
        return;
      }
      String name = tokens.get(i).text();
      i++;
      while (i + 1 < tokens.size() && tokens.get(i).isPunct('.') && tokens.get(i + 1).isIdentifier()) {
        name = tokens.get(i + 1).text();
        i += 2;
      }
      boolean function = parenMeansFunction && i < tokens.size() && tokens.get(i).isPunct('(');
      // "on duplicate key update a = ?" assigns a column
      boolean assignment = i < tokens.size() && tokens.get(i).isPunct('=');
      if (!function && !assignment && !ctes.contains(name) && !name.isEmpty()) {
        out.add(name);
      }
      if (function) {
        i = skipParens(tokens, i);
      }
      if (!list) {
        return;
      }
      if (i < tokens.size() && tokens.get(i).isWord("as")) {
        i++;
      }
      if (i < tokens.size() && tokens.get(i).isIdentifier()) {
        i++;
      }
      if (i < tokens.size() && tokens.get(i).isPunct(',')) {
        i++;
      } else {
        return;
      }
    }
  }
}
