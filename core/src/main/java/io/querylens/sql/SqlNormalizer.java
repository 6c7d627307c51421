package io.querylens.sql;

/**
 * Turns raw SQL into a statement shape in one linear pass. Never throws.
 *
 * <p>The pass runs on the application thread for every new raw SQL string, so it walks the characters once, appends to
 * a single {@link StringBuilder} sized from the input, allocates nothing per character or per token, uses no regular
 * expressions and no recursion. Literal values are replaced by {@code ?} and never copied into the shape; only their
 * hash and count are kept.
 *
 * <p>Shape rules: whitespace and comments fold to one space (nested {@code /* *}{@code /} like PostgreSQL;
 * {@code #} is an operator, not a comment); string, dollar-quoted and numeric literals and {@code $n} markers become
 * {@code ?}; quoted identifiers are kept verbatim; unquoted words are lower case; {@code IN (?, ?, ?)} lists and
 * repeated {@code VALUES (?, ?)} rows collapse; JDBC escape braces are kept. Input longer than the cap is cut; the
 * shape itself never exceeds the cap plus the {@code " ..."} marker.
 */
public final class SqlNormalizer {
  /** Default cap on the number of characters normalized. */
  public static final int DEFAULT_MAX_LENGTH = 32 * 1024;

  /** The shape returned when the pass fails unexpectedly; deliberately holds no input text. */
  static final String UNREADABLE_SHAPE = "/* querylens: unreadable statement */";

  private static final NormalizedSql EMPTY = new NormalizedSql("", StatementKind.OTHER, 0L, 0, false, false);

  private final int maxLength;

  /**
   * @param maxLength how many characters of a statement are normalized; longer input is cut and marked truncated
   * @throws IllegalArgumentException when {@code maxLength < 1}
   */
  public SqlNormalizer(int maxLength) {
    if (maxLength < 1) {
      throw new IllegalArgumentException("maxLength must be at least 1: " + maxLength);
    }
    this.maxLength = maxLength;
  }

  public SqlNormalizer() {
    this(DEFAULT_MAX_LENGTH);
  }

  /** Normalizes {@code sql}; null gives an empty shape of kind OTHER. */
  public NormalizedSql normalize(String sql) {
    if (sql == null) {
      return EMPTY;
    }
    boolean truncated = sql.length() > maxLength;
    try {
      return new Pass(sql, truncated ? maxLength : sql.length(), maxLength, truncated).run();
    } catch (RuntimeException e) {
      return new NormalizedSql(UNREADABLE_SHAPE, StatementKind.OTHER, 0L, 0, false, truncated);
    }
  }

  // ---------------------------------------------------------------------------------------------------------------
  // Token types.

  static final int T_NONE = 0;
  static final int T_WORD = 1;
  static final int T_QIDENT = 2;
  /** A literal replaced by {@code ?}. */
  static final int T_LIT = 3;
  /** A bind marker: {@code ?} or {@code $n}. */
  static final int T_MARK = 4;
  static final int T_LPAREN = 5;
  static final int T_RPAREN = 6;
  static final int T_COMMA = 7;
  static final int T_DOT = 8;
  static final int T_SEMI = 9;
  static final int T_OP = 10;
  static final int T_OTHER = 11;
  static final int T_LBRACKET = 12;
  static final int T_LBRACE = 13;

  // ---------------------------------------------------------------------------------------------------------------
  // Keywords the pass reacts to. The index in KEYWORDS is the keyword code; 0 means "not a keyword we care about".

  static final int KW_NONE = 0;
  static final int KW_SELECT = 1;
  static final int KW_VALUES = 2;
  static final int KW_TABLE = 3;
  static final int KW_INSERT = 4;
  static final int KW_REPLACE = 5;
  static final int KW_UPDATE = 6;
  static final int KW_DELETE = 7;
  static final int KW_MERGE = 8;
  static final int KW_UPSERT = 9;
  static final int KW_CALL = 10;
  static final int KW_EXEC = 11;
  static final int KW_EXECUTE = 12;
  static final int KW_CREATE = 13;
  static final int KW_ALTER = 14;
  static final int KW_DROP = 15;
  static final int KW_TRUNCATE = 16;
  static final int KW_COMMENT = 17;
  static final int KW_GRANT = 18;
  static final int KW_REVOKE = 19;
  static final int KW_RENAME = 20;
  static final int KW_WITH = 21;
  static final int KW_IN = 22;
  static final int KW_ANY = 23;
  /** First of the keywords after which a {@code -digit} is a negative literal (together with select/values/in). */
  static final int KW_WHERE = 24;

  static final String[] KEYWORDS = {
    null,
    "select", "values", "table", "insert", "replace", "update", "delete", "merge", "upsert",
    "call", "exec", "execute",
    "create", "alter", "drop", "truncate", "comment", "grant", "revoke", "rename",
    "with", "in", "any",
    // from KW_WHERE on: keywords that only matter as the token before a negative number
    "where", "and", "or", "not", "when", "then", "else", "by", "limit", "offset", "between", "return", "is", "like",
    "ilike", "set", "case", "having", "on", "returning", "default", "interval", "fetch", "first", "next", "top"
  };

  private static final int MAX_KEYWORD_LENGTH;

  static {
    int max = 0;
    for (int k = 1; k < KEYWORDS.length; k++) {
      max = Math.max(max, KEYWORDS[k].length());
    }
    MAX_KEYWORD_LENGTH = max;
  }

  static StatementKind kindOf(int kw) {
    switch (kw) {
      case KW_SELECT:
      case KW_VALUES:
      case KW_TABLE:
        return StatementKind.SELECT;
      case KW_INSERT:
      case KW_REPLACE:
        return StatementKind.INSERT;
      case KW_UPDATE:
        return StatementKind.UPDATE;
      case KW_DELETE:
        return StatementKind.DELETE;
      case KW_MERGE:
      case KW_UPSERT:
        return StatementKind.MERGE;
      case KW_CALL:
      case KW_EXEC:
      case KW_EXECUTE:
        return StatementKind.CALL;
      case KW_CREATE:
      case KW_ALTER:
      case KW_DROP:
      case KW_TRUNCATE:
      case KW_COMMENT:
      case KW_GRANT:
      case KW_REVOKE:
      case KW_RENAME:
        return StatementKind.DDL;
      default:
        return StatementKind.OTHER;
    }
  }

  /** True when a {@code -} right after a word with this keyword code starts a negative literal. */
  static boolean negativeAfter(int kw) {
    return kw == KW_SELECT || kw == KW_VALUES || kw == KW_IN || kw >= KW_WHERE;
  }

  // ---------------------------------------------------------------------------------------------------------------
  // Character classes (ASCII fast paths; no allocation).

  static boolean isDigit(char c) {
    return c >= '0' && c <= '9';
  }

  static boolean isAsciiLetter(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
  }

  static boolean isHexDigit(char c) {
    return isDigit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
  }

  /** Whitespace for folding: ASCII controls and space, DEL, and Unicode spaces. */
  static boolean isSpace(char c) {
    if (c < 0x80) {
      return c <= ' ' || c == 0x7f;
    }
    return c == 0x85 || c == 0xfeff || Character.isWhitespace(c) || Character.isSpaceChar(c);
  }

  /** Characters that may continue an unquoted word: letters, digits, {@code _}, {@code $}, any non-space non-ASCII. */
  static boolean isWordPart(char c) {
    if (c < 0x80) {
      return isAsciiLetter(c) || isDigit(c) || c == '_' || c == '$';
    }
    return !isSpace(c);
  }

  /** Characters of a dollar-quote tag (no {@code $}); {@code first} excludes digits. */
  static boolean isTagChar(char c, boolean first) {
    if (c < 0x80) {
      return isAsciiLetter(c) || c == '_' || (!first && isDigit(c));
    }
    return !isSpace(c);
  }

  static boolean isOperatorChar(char c) {
    switch (c) {
      case '+':
      case '-':
      case '*':
      case '/':
      case '<':
      case '>':
      case '=':
      case '~':
      case '!':
      case '@':
      case '#':
      case '%':
      case '^':
      case '&':
      case '|':
        return true;
      default:
        return false;
    }
  }

  // ---------------------------------------------------------------------------------------------------------------

  /** One normalization pass: all mutable state lives here, so a {@link SqlNormalizer} is safe to share. */
  static final class Pass {
    private static final long FNV_OFFSET = 0xcbf29ce484222325L;
    private static final long FNV_PRIME = 0x100000001b3L;

    // collapse modes (one list at a time)
    private static final int M_NONE = 0;
    private static final int M_IN_PENDING = 1;
    private static final int M_IN_LIST = 2;
    private static final int M_VALUES_EXPECT_ROW = 3;
    private static final int M_VALUES_ROW = 4;
    private static final int M_VALUES_AFTER_ROW = 5;

    private final String s;
    private final int n;
    private final int maxLength;
    private boolean truncated;
    private final StringBuilder sb;

    private int i;
    private boolean pendingSpace;
    private boolean stop;
    private int prevType = T_NONE;
    private int prevKw = KW_NONE;

    private long hash = FNV_OFFSET;
    private int literalCount;
    private boolean multiValued;

    // statement kind
    private int kindState; // 0: before the first word, 1: after WITH, 2: decided
    private StatementKind kind = StatementKind.OTHER;
    private int depth;
    private int withDepth;

    // IN list / VALUES rows collapse
    private int mode = M_NONE;
    private boolean expectItem;
    private int items;
    private int itemShape; // 0 unknown, 1 scalar, 2 tuple
    private boolean inTuple;
    private boolean tupleExpectItem;
    private int tupleArity;
    private int firstArity;
    private int firstItemEnd;
    private int rows;

    // ANY ( ? )
    private int anyState;

    Pass(String s, int n, int maxLength, boolean truncated) {
      this.s = s;
      this.n = n;
      this.maxLength = maxLength;
      this.truncated = truncated;
      this.sb = new StringBuilder(Math.min(n, maxLength) + 8);
    }

    NormalizedSql run() {
      while (i < n && !stop) {
        char c = s.charAt(i);
        if (c < 0x80) {
          if (c <= ' ' || c == 0x7f) {
            pendingSpace = true;
            i++;
          } else if (isAsciiLetter(c) || c == '_') {
            word(c);
          } else if (isDigit(c)) {
            number(i, i);
          } else {
            punctuation(c);
          }
        } else if (isSpace(c)) {
          pendingSpace = true;
          i++;
        } else {
          word(c);
        }
      }
      return finish();
    }

    private NormalizedSql finish() {
      if (sb.length() > maxLength) {
        // Forced ", " spacing can grow the text; the shape never exceeds the cap.
        int cut = maxLength;
        if (Character.isHighSurrogate(sb.charAt(cut - 1))) {
          cut--;
        }
        sb.setLength(cut);
        truncated = true;
      }
      int len = sb.length();
      while (len > 0 && sb.charAt(len - 1) == ' ') {
        len--;
      }
      sb.setLength(len);
      if (truncated) {
        if (len > 0) {
          sb.append(' ');
        }
        sb.append("...");
      }
      long h = 0L;
      if (literalCount > 0) {
        h = mix(hash);
        if (h == 0L) {
          h = 1L;
        }
      }
      return new NormalizedSql(sb.toString(), kind, h, literalCount, multiValued, truncated);
    }

    private static long mix(long z) {
      z = (z ^ (z >>> 33)) * 0xff51afd7ed558ccdL;
      z = (z ^ (z >>> 33)) * 0xc4ceb9fe1a85ec53L;
      return z ^ (z >>> 33);
    }

    // -------------------------------------------------------------------------------------------------------------
    // Lexing.

    private void punctuation(char c) {
      switch (c) {
        case '\'':
          string(i, i, false);
          return;
        case '"':
        case '`':
          quotedIdentifier(c);
          return;
        case '-':
          minus();
          return;
        case '/':
          if (i + 1 < n && s.charAt(i + 1) == '*') {
            blockComment();
          } else {
            single(T_OP, c);
          }
          return;
        case '$':
          dollar();
          return;
        case '?':
          single(T_MARK, c);
          return;
        case '(':
          single(T_LPAREN, c);
          return;
        case ')':
          single(T_RPAREN, c);
          return;
        case ',':
          single(T_COMMA, c);
          return;
        case ';':
          single(T_SEMI, c);
          return;
        case '[':
          single(T_LBRACKET, c);
          return;
        case '{':
          single(T_LBRACE, c);
          return;
        case '.':
          if (i + 1 < n
              && isDigit(s.charAt(i + 1))
              && (pendingSpace || (prevType != T_WORD && prevType != T_QIDENT && prevType != T_RPAREN))) {
            number(i, i);
          } else {
            single(T_DOT, c);
          }
          return;
        default:
          single(isOperatorChar(c) ? T_OP : T_OTHER, c);
      }
    }

    private void single(int type, char c) {
      i++;
      space(type);
      sb.append(c);
      after(type, KW_NONE, c);
    }

    private void minus() {
      if (i + 1 < n) {
        char d = s.charAt(i + 1);
        if (d == '-') {
          int j = i + 2;
          while (j < n) {
            char e = s.charAt(j);
            if (e == '\n' || e == '\r') {
              break;
            }
            j++;
          }
          i = j;
          pendingSpace = true;
          return;
        }
        if (negativeContext() && (isDigit(d) || (d == '.' && i + 2 < n && isDigit(s.charAt(i + 2))))) {
          number(i, i + 1);
          return;
        }
      }
      single(T_OP, '-');
    }

    private boolean negativeContext() {
      switch (prevType) {
        case T_NONE:
        case T_LPAREN:
        case T_COMMA:
        case T_OP:
        case T_LBRACKET:
        case T_SEMI:
          return true;
        case T_WORD:
          return negativeAfter(prevKw);
        default:
          return false;
      }
    }

    private void blockComment() {
      int j = i + 2;
      int nesting = 1;
      while (j < n) {
        char c = s.charAt(j);
        if (c == '/' && j + 1 < n && s.charAt(j + 1) == '*') {
          nesting++;
          j += 2;
        } else if (c == '*' && j + 1 < n && s.charAt(j + 1) == '/') {
          j += 2;
          if (--nesting == 0) {
            break;
          }
        } else {
          j++;
        }
      }
      i = j; // unterminated: swallows the rest
      pendingSpace = true;
    }

    /** A numeric literal starting at {@code start} (a {@code -} or the first digit / dot at {@code j}). */
    private void number(int start, int j) {
      if (s.charAt(j) == '0'
          && j + 2 < n
          && "xXbBoO".indexOf(s.charAt(j + 1)) >= 0
          && isHexDigit(s.charAt(j + 2))) {
        j += 2;
        while (j < n && (isHexDigit(s.charAt(j)) || s.charAt(j) == '_')) {
          j++;
        }
      } else {
        j = digits(j);
        if (j < n && s.charAt(j) == '.' && !(j + 1 < n && s.charAt(j + 1) == '.')) {
          j = digits(j + 1);
        }
        if (j < n && (s.charAt(j) == 'e' || s.charAt(j) == 'E')) {
          int k = j + 1;
          if (k < n && (s.charAt(k) == '+' || s.charAt(k) == '-')) {
            k++;
          }
          if (k < n && isDigit(s.charAt(k))) {
            j = digits(k);
          }
        }
      }
      literal(start, j);
      i = j;
    }

    /** Skips digits, and underscores between digits ({@code 1_000}). */
    private int digits(int j) {
      while (j < n) {
        char c = s.charAt(j);
        if (isDigit(c) || (c == '_' && j + 1 < n && isDigit(s.charAt(j + 1)))) {
          j++;
        } else {
          break;
        }
      }
      return j;
    }

    /**
     * A string literal starting at {@code start} (the prefix, if any) whose opening quote is at {@code quote}.
     * Unterminated: the rest is the literal and the pass stops.
     */
    private void string(int start, int quote, boolean backslashEscapes) {
      int j = quote + 1;
      int backslashes = 0; // length of the run of backslashes just before j (plain strings only)
      while (j < n) {
        char c = s.charAt(j);
        if (c == '\\' && backslashEscapes) {
          j += 2;
        } else if (c == '\'') {
          if (j + 1 < n && s.charAt(j + 1) == '\'') {
            j += 2;
          } else if ((backslashes & 1) == 1 && j + 1 < n && isWordPart(s.charAt(j + 1))) {
            // MySQL-style \' escape ('it\'s'): a standard string glued to a word is implausible, and closing
            // here would put the rest of the literal into the shape.
            j++;
          } else {
            literal(start, j + 1);
            i = j + 1;
            return;
          }
          backslashes = 0;
          continue;
        } else {
          j++;
        }
        backslashes = c == '\\' ? backslashes + 1 : 0;
      }
      unterminated(start);
    }

    private void unterminated(int start) {
      literal(start, n);
      i = n;
      stop = true;
    }

    private void quotedIdentifier(char q) {
      int j = i + 1;
      while (j < n) {
        if (s.charAt(j) == q) {
          if (j + 1 < n && s.charAt(j + 1) == q) {
            j += 2;
          } else {
            space(T_QIDENT);
            sb.append(s, i, j + 1);
            i = j + 1;
            after(T_QIDENT, KW_NONE, q);
            return;
          }
        } else {
          j++;
        }
      }
      // Unterminated: whatever follows may hold literals, so none of it is kept.
      unterminated(i);
    }

    private void dollar() {
      int j = i + 1;
      if (j < n) {
        char d = s.charAt(j);
        if (isDigit(d)) {
          while (j < n && isDigit(s.charAt(j))) {
            j++;
          }
          i = j - 1; // single() advances past the last digit
          single(T_MARK, '?');
          return;
        }
        if (d == '$') {
          dollarQuote(2);
          return;
        }
        if (isTagChar(d, true)) {
          int k = j + 1;
          while (k < n && isTagChar(s.charAt(k), false)) {
            k++;
          }
          if (k < n && s.charAt(k) == '$') {
            dollarQuote(k + 1 - i);
            return;
          }
        }
      }
      single(T_OTHER, '$');
    }

    /** A dollar-quoted literal whose opening delimiter is {@code s[i, i + tagLength)}. */
    private void dollarQuote(int tagLength) {
      int start = i;
      // Each compare starts at a '$' and cannot match past the next '$' (tags hold none): linear overall.
      for (int q = start + tagLength; q + tagLength <= n; q++) {
        if (s.charAt(q) == '$' && s.regionMatches(q, s, start, tagLength)) {
          literal(start, q + tagLength);
          i = q + tagLength;
          return;
        }
      }
      unterminated(start);
    }

    private void word(char c) {
      if (i + 1 < n) {
        char d = s.charAt(i + 1);
        if (d == '\'') {
          if (c == 'e' || c == 'E') {
            string(i, i + 1, true);
            return;
          }
          if (c == 'n' || c == 'N' || c == 'x' || c == 'X' || c == 'b' || c == 'B') {
            string(i, i + 1, false);
            return;
          }
        } else if (d == '&' && (c == 'u' || c == 'U') && i + 2 < n && s.charAt(i + 2) == '\'') {
          string(i, i + 2, false);
          return;
        }
      }
      space(T_WORD);
      int wordStart = sb.length();
      while (i < n) {
        char e = s.charAt(i);
        if (e < 0x80) {
          if (e >= 'A' && e <= 'Z') {
            sb.append((char) (e + ('a' - 'A')));
          } else if (isWordPart(e)) {
            sb.append(e);
          } else {
            break;
          }
          i++;
        } else {
          if (isSpace(e)) {
            break;
          }
          int cp = e;
          int width = 1;
          if (Character.isHighSurrogate(e) && i + 1 < n && Character.isLowSurrogate(s.charAt(i + 1))) {
            cp = Character.toCodePoint(e, s.charAt(i + 1));
            width = 2;
          }
          sb.appendCodePoint(Character.toLowerCase(cp));
          i += width;
        }
      }
      after(T_WORD, keyword(wordStart, sb.length() - wordStart), c);
    }

    private int keyword(int start, int length) {
      if (length > MAX_KEYWORD_LENGTH) {
        return KW_NONE;
      }
      for (int k = 1; k < KEYWORDS.length; k++) {
        String kw = KEYWORDS[k];
        if (kw.length() == length && kw.charAt(0) == sb.charAt(start)) {
          int m = 1;
          while (m < length && kw.charAt(m) == sb.charAt(start + m)) {
            m++;
          }
          if (m == length) {
            return k;
          }
        }
      }
      return KW_NONE;
    }

    private void literal(int start, int end) {
      long h = hash;
      for (int k = start; k < end; k++) {
        h = (h ^ s.charAt(k)) * FNV_PRIME;
      }
      // Separate literals by their length so 'ab','c' and 'a','bc' differ.
      h = (h ^ (0x5f000000L + (end - start))) * FNV_PRIME;
      hash = h;
      literalCount++;
      space(T_LIT);
      sb.append('?');
      after(T_LIT, KW_NONE, '?');
    }

    // -------------------------------------------------------------------------------------------------------------
    // Output.

    /** Emits the separating space before a token of {@code type}, if any. */
    private void space(int type) {
      if (sb.length() > 0 && prevType != T_LPAREN && prevType != T_DOT) {
        boolean spaced;
        if (type == T_RPAREN || type == T_COMMA || type == T_DOT || type == T_SEMI) {
          spaced = false;
        } else {
          spaced = prevType == T_COMMA || pendingSpace;
        }
        if (spaced) {
          sb.append(' ');
        }
      }
      pendingSpace = false;
    }

    /** Bookkeeping after a token was appended. */
    private void after(int type, int kw, char c) {
      if (type == T_LPAREN) {
        depth++;
      } else if (type == T_RPAREN) {
        depth--;
      }
      statementKind(type, kw, c);
      boolean q = type == T_LIT || type == T_MARK;
      collapse(type, q);
      if (mode == M_NONE && type == T_WORD) {
        if (kw == KW_IN) {
          mode = M_IN_PENDING;
        } else if (kw == KW_VALUES) {
          mode = M_VALUES_EXPECT_ROW;
          rows = 0;
        }
      }
      any(type, kw, q);
      prevType = type;
      prevKw = kw;
    }

    private void statementKind(int type, int kw, char c) {
      if (kindState == 0) {
        if (type == T_WORD) {
          if (kw == KW_WITH) {
            kindState = 1;
            withDepth = depth;
          } else {
            kind = kindOf(kw);
            kindState = 2;
          }
        } else if (!(type == T_LPAREN || type == T_LBRACE || type == T_MARK || (type == T_OP && c == '='))) {
          kindState = 2;
        }
      } else if (kindState == 1 && type == T_WORD && depth == withDepth) {
        switch (kw) {
          case KW_SELECT:
          case KW_INSERT:
          case KW_UPDATE:
          case KW_DELETE:
          case KW_MERGE:
            kind = kindOf(kw);
            kindState = 2;
            break;
          default:
            break;
        }
      }
    }

    private void collapse(int type, boolean q) {
      switch (mode) {
        case M_IN_PENDING:
          if (type == T_LPAREN) {
            mode = M_IN_LIST;
            expectItem = true;
            items = 0;
            itemShape = 0;
            inTuple = false;
          } else {
            mode = M_NONE;
          }
          break;
        case M_IN_LIST:
          inList(type, q);
          break;
        case M_VALUES_EXPECT_ROW:
          if (type == T_LPAREN) {
            mode = M_VALUES_ROW;
            tupleArity = 0;
            tupleExpectItem = true;
          } else {
            mode = M_NONE;
          }
          break;
        case M_VALUES_ROW:
          valuesRow(type, q);
          break;
        case M_VALUES_AFTER_ROW:
          mode = type == T_COMMA ? M_VALUES_EXPECT_ROW : M_NONE;
          break;
        default:
          break;
      }
    }

    private void inList(int type, boolean q) {
      if (!inTuple) {
        if (q) {
          if (!expectItem || itemShape == 2) {
            mode = M_NONE;
            return;
          }
          itemShape = 1;
          expectItem = false;
          if (++items == 1) {
            firstItemEnd = sb.length();
          }
        } else if (type == T_COMMA) {
          if (expectItem) {
            mode = M_NONE;
          } else {
            expectItem = true;
          }
        } else if (type == T_LPAREN) {
          if (!expectItem || itemShape == 1) {
            mode = M_NONE;
          } else {
            itemShape = 2;
            inTuple = true;
            tupleArity = 0;
            tupleExpectItem = true;
          }
        } else if (type == T_RPAREN && !expectItem) {
          if (items >= 2) {
            multiValued = true;
            sb.setLength(firstItemEnd);
            sb.append(')');
          }
          mode = M_NONE;
        } else {
          mode = M_NONE;
        }
      } else if (q) {
        if (!tupleExpectItem) {
          mode = M_NONE;
        } else {
          tupleArity++;
          tupleExpectItem = false;
        }
      } else if (type == T_COMMA) {
        if (tupleExpectItem) {
          mode = M_NONE;
        } else {
          tupleExpectItem = true;
        }
      } else if (type == T_RPAREN && !tupleExpectItem) {
        inTuple = false;
        expectItem = false;
        if (++items == 1) {
          firstItemEnd = sb.length();
          firstArity = tupleArity;
        } else if (tupleArity != firstArity) {
          mode = M_NONE;
        }
      } else {
        mode = M_NONE;
      }
    }

    private void valuesRow(int type, boolean q) {
      if (q) {
        if (!tupleExpectItem) {
          mode = M_NONE;
        } else {
          tupleArity++;
          tupleExpectItem = false;
        }
      } else if (type == T_COMMA) {
        if (tupleExpectItem) {
          mode = M_NONE;
        } else {
          tupleExpectItem = true;
        }
      } else if (type == T_RPAREN && !tupleExpectItem) {
        if (rows++ == 0) {
          firstItemEnd = sb.length();
          firstArity = tupleArity;
          mode = M_VALUES_AFTER_ROW;
        } else if (tupleArity == firstArity) {
          sb.setLength(firstItemEnd);
          mode = M_VALUES_AFTER_ROW;
        } else {
          mode = M_NONE;
        }
      } else {
        mode = M_NONE;
      }
    }

    private void any(int type, int kw, boolean q) {
      switch (anyState) {
        case 1:
          anyState = type == T_LPAREN ? 2 : 0;
          break;
        case 2:
          anyState = q ? 3 : 0;
          break;
        case 3:
          if (type == T_RPAREN) {
            multiValued = true;
          }
          anyState = 0;
          break;
        default:
          break;
      }
      if (anyState == 0 && type == T_WORD && kw == KW_ANY) {
        anyState = 1;
      }
    }
  }
}
