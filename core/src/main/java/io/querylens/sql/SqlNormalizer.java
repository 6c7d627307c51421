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
 * {@code #} is an operator, not a comment); string, dollar-quoted, Oracle {@code q'[...]'} and numeric literals and
 * {@code $n} markers become {@code ?}; quoted identifiers are kept verbatim; unquoted words are lower case;
 * {@code IN (?, ?, ?)} lists and repeated {@code VALUES (?, ?)} rows collapse; JDBC escape braces are kept. Input
 * longer than the cap is cut; the shape itself never exceeds the cap plus the {@code " ..."} marker.
 *
 * <p>Double quotes: a back-quoted token is always an identifier, but {@code "..."} is an identifier in ANSI SQL,
 * PostgreSQL, H2 and Oracle and a string in MySQL's default mode and in SQLite. A {@code "..."} token is therefore read
 * as a literal when it stands in a value position: after a comparison or arithmetic operator ({@code = <> != < > <= >=
 * + - * / % ||}), after {@code like ilike escape regexp rlike glob between when then else default interval password
 * comment}, after the {@code and} of a {@code between}, after {@code identified ... by}, and as an item of an
 * {@code in (...)} list, an {@code against (...)} search or a {@code values (...)} / {@code row(...)} row.
 * Elsewhere, and always right after or right before a {@code .}, it stays a quoted identifier. In value positions
 * PostgreSQL column references such as {@code a = "B"} are masked too; a literal is never kept. Known gap: a MySQL
 * string in an identifier position (a select list item, a function argument such as {@code lower("x")}) is kept.
 *
 * <p>Backslashes in plain {@code '...'} (and value {@code "..."}) strings: PostgreSQL and the standard read
 * {@code 'C:\'} as a closed string, MySQL reads {@code \'} as an escaped quote. The pass first guesses per quote: an
 * odd run of backslashes before the quote escapes it unless what follows the quote continues like SQL (end of input,
 * punctuation or an operator, or a keyword that may follow an expression). When such an ambiguous quote was seen, the
 * statement is read a second time with MySQL's backslash escapes, and both readings are checked for signs of a misread
 * after the first ambiguous quote (an unterminated literal in input that was not cut, a literal followed by text that
 * cannot follow one, a quoted identifier right after a literal, a backslash outside any literal, and, for the guessing
 * reading, a comment). The reading without such signs is kept; when both are clean and agree, the guess; otherwise,
 * and in input cut by the cap unless both agree, a third reading replaces everything from the first ambiguous literal
 * on with one {@code ?}. So a statement is read at most three times, each time in one linear pass, and only a
 * statement with such a backslash-quote is read more than once.
 */
public final class SqlNormalizer {
  /** Default cap on the number of characters normalized. */
  public static final int DEFAULT_MAX_LENGTH = 32 * 1024;

  /** The shape returned when the pass fails unexpectedly; deliberately holds no input text. */
  static final String UNREADABLE_SHAPE = "/* querylens: unreadable statement */";

  private static final NormalizedSql EMPTY = new NormalizedSql("", StatementKind.OTHER, 0L, 0, false, 0, false);

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
    int n = truncated ? maxLength : sql.length();
    try {
      Pass guess = new Pass(sql, n, maxLength, truncated, Pass.READ_GUESS);
      NormalizedSql guessed = guess.run();
      if (guess.ambiguous == 0) {
        return guessed;
      }
      // A backslash-quote that PostgreSQL and MySQL read differently: read the statement the MySQL way too, and keep
      // a reading only when it is the one that fits.
      Pass mysql = new Pass(sql, n, maxLength, truncated, Pass.READ_BACKSLASH);
      NormalizedSql escaped = mysql.run();
      boolean agree = !guess.misread && !mysql.misread && guessed.shape().equals(escaped.shape());
      if (agree) {
        return guessed;
      }
      // In input cut by the cap an open literal at the end is no sign of a misread, so one reading alone is not
      // trusted there.
      if (!truncated && !guess.misread && mysql.misread) {
        return guessed;
      }
      if (!truncated && guess.misread && !mysql.misread) {
        return escaped;
      }
      // Both fit but differ, or neither fits: keep nothing from the first ambiguous literal on.
      return new Pass(sql, n, maxLength, truncated, Pass.READ_CUT).run();
    } catch (RuntimeException e) {
      return new NormalizedSql(UNREADABLE_SHAPE, StatementKind.OTHER, 0L, 0, false, 0, truncated);
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
    "ilike", "set", "case", "having", "on", "returning", "default", "interval", "fetch", "first", "next", "top",
    "escape", "regexp", "rlike", "glob", "password", "identified", "row", "against"
  };

  // Codes of the keywords from KW_WHERE on that the double-quote rule needs (their index in KEYWORDS).
  static final int KW_AND = 25;
  static final int KW_WHEN = 28;
  static final int KW_THEN = 29;
  static final int KW_ELSE = 30;
  static final int KW_BY = 31;
  static final int KW_BETWEEN = 34;
  static final int KW_LIKE = 37;
  static final int KW_ILIKE = 38;
  static final int KW_DEFAULT = 44;
  static final int KW_INTERVAL = 45;
  static final int KW_ESCAPE = 50;
  static final int KW_REGEXP = 51;
  static final int KW_RLIKE = 52;
  static final int KW_GLOB = 53;
  static final int KW_PASSWORD = 54;
  static final int KW_IDENTIFIED = 55;
  static final int KW_ROW = 56;
  static final int KW_AGAINST = 57;

  /**
   * Words that may follow a closed string literal; used to guess whether a backslash-quote closes a string. Lower case,
   * ASCII letters and {@code _} only.
   */
  static final String[] FOLLOW_WORDS = {
    "and", "or", "xor", "not", "is", "isnull", "notnull", "in", "like", "ilike", "similar", "regexp", "rlike", "glob",
    "sounds", "between", "escape", "collate", "at", "then", "else", "when", "end", "from", "where", "as", "on", "using",
    "join", "inner", "left", "right", "full", "cross", "natural", "outer", "straight_join", "order", "group", "having",
    "limit", "offset", "fetch", "for", "union", "except", "intersect", "minus", "returning", "asc", "desc", "nulls",
    "into", "values", "set", "window", "over", "with", "do", "div", "mod", "separator", "lock", "overlaps"
  };

  private static final int MAX_FOLLOW_WORD_LENGTH;

  private static final int MAX_KEYWORD_LENGTH;

  static {
    int max = 0;
    for (int k = 1; k < KEYWORDS.length; k++) {
      max = Math.max(max, KEYWORDS[k].length());
    }
    MAX_KEYWORD_LENGTH = max;
    max = 0;
    for (String w : FOLLOW_WORDS) {
      max = Math.max(max, w.length());
    }
    MAX_FOLLOW_WORD_LENGTH = max;
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

  /** True when a {@code "..."} right after a word with this keyword code is a value (a MySQL/SQLite string). */
  static boolean valueAfter(int kw) {
    switch (kw) {
      case KW_LIKE:
      case KW_ILIKE:
      case KW_ESCAPE:
      case KW_REGEXP:
      case KW_RLIKE:
      case KW_GLOB:
      case KW_BETWEEN:
      case KW_WHEN:
      case KW_THEN:
      case KW_ELSE:
      case KW_DEFAULT:
      case KW_INTERVAL:
      case KW_PASSWORD:
      case KW_COMMENT:
        return true;
      default:
        return false;
    }
  }

  /** True when a {@code "..."} right after an operator ending in {@code c} is a value. */
  static boolean valueAfterOperator(char c) {
    switch (c) {
      case '=':
      case '<':
      case '>':
      case '+':
      case '-':
      case '*':
      case '/':
      case '%':
      case '|':
        return true;
      default:
        return false;
    }
  }

  /** The bit for paren depth {@code d} in the per-depth bit sets; depths outside 0..63 have none. */
  static long bit(int d) {
    return d >= 0 && d < 64 ? 1L << d : 0L;
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

    // How a backslash before the closing quote of a plain string is read (see the class comment).
    /** Guess per quote from what follows it. */
    static final int READ_GUESS = 0;
    /** MySQL: a backslash always escapes the next character. */
    static final int READ_BACKSLASH = 1;
    /** The first backslash-quote makes the rest of the input one literal. */
    static final int READ_CUT = 2;

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
    /** The character of the previous token as passed to {@link #after}: the operator character for T_OP. */
    private char prevChar;
    /** True when the previous token was a word after which a {@code "..."} is a value. */
    private boolean prevValueWord;

    private final int read;
    private final boolean inputCut;
    /** Backslash-quotes in plain strings, where PostgreSQL and MySQL disagree. */
    int ambiguous;
    /** Signs that the input was not read as it was written (see the class comment). */
    boolean misread;
    /** Whether the last {@link #scanString} met a backslash. */
    private boolean scanSawBackslash;

    // Per paren depth bit sets (bit d: the innermost paren of depth d, or the text at depth d).
    /** The paren opening depth d holds values: an IN list, a VALUES row, a tuple in one, an AGAINST search. */
    private long valueLists;
    /** At depth d, a run of VALUES rows is going on. */
    private long valuesRows;
    /** At depth d, a BETWEEN waits for its AND. */
    private long betweens;
    private boolean identifiedPending;

    private long hash = FNV_OFFSET;
    private int literalCount;
    private boolean multiValued;
    private int listItems;

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

    Pass(String s, int n, int maxLength, boolean truncated, int read) {
      this.read = read;
      this.inputCut = truncated;
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
      return new NormalizedSql(sb.toString(), kind, h, literalCount, multiValued, listItems, truncated);
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
          if (valuePosition()) {
            doubleQuotedValue();
          } else {
            quotedIdentifier(c);
          }
          return;
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
          if (c == '\\' && ambiguous > 0) {
            misread = true; // no dialect has a backslash outside literals
          }
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
          commentSeen();
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
      commentSeen();
    }

    /** A comment after a guessed backslash-quote may hide a misread (it can swallow a stray quote). */
    private void commentSeen() {
      if (read == READ_GUESS && ambiguous > 0) {
        misread = true;
      }
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
      int end = scanString(quote, backslashEscapes);
      if (end < 0) {
        unterminated(start);
      } else {
        literal(start, end);
        i = end;
      }
    }

    /**
     * Finds the end of the string whose opening quote ({@code '} or {@code "}) is at {@code quote}: the index just past
     * its closing quote, or -1 when it runs to the end of the input (or, in {@link #READ_CUT}, to an ambiguous quote).
     * Doubled quotes are escapes; backslashes escape the next character in E-strings ({@code backslashEscapes}) and in
     * {@link #READ_BACKSLASH}; otherwise a quote after an odd run of backslashes is ambiguous and guessed.
     */
    private int scanString(int quote, boolean backslashEscapes) {
      char q = s.charAt(quote);
      boolean escapes = backslashEscapes || read == READ_BACKSLASH;
      int j = quote + 1;
      int backslashes = 0; // length of the run of backslashes just before j (when backslashes do not escape)
      scanSawBackslash = false;
      while (j < n) {
        char c = s.charAt(j);
        if (c == '\\') {
          scanSawBackslash = true;
          if (escapes) {
            if (!backslashEscapes && j + 1 < n && s.charAt(j + 1) == q) {
              ambiguous++;
            }
            j += 2;
          } else {
            backslashes++;
            j++;
          }
          continue;
        }
        if (c == q) {
          boolean odd = (backslashes & 1) == 1;
          backslashes = 0;
          boolean doubled = j + 1 < n && s.charAt(j + 1) == q;
          if (odd) {
            ambiguous++;
            if (read == READ_CUT) {
              return -1;
            }
            if (doubled) {
              // 'x\'' : MySQL reads \' then a closing quote, PostgreSQL a backslash then '' and goes on.
              if (plausibleAfter(j + 2)) {
                return j + 2;
              }
              j += 2;
              continue;
            }
            // 'C:\' (PostgreSQL: closed) or 'it\'s' (MySQL: escaped quote). Closing where the rest cannot follow a
            // literal would put the rest of the literal into the shape.
            if (plausibleAfter(j + 1)) {
              return j + 1;
            }
            j++;
            continue;
          }
          if (doubled) {
            j += 2;
            continue;
          }
          if (ambiguous > 0
              && !(q == '"' && j + 1 < n && s.charAt(j + 1) == '.')
              && !plausibleAfter(j + 1)) {
            misread = true;
          }
          return j + 1;
        }
        backslashes = 0;
        j++;
      }
      return -1;
    }

    /**
     * Whether the text from {@code j} can follow a closed literal: end of input, punctuation or an operator after
     * optional whitespace, or a word from {@link #FOLLOW_WORDS}. A word or a quote glued to the quote
     * ({@code 'it'}{@code s}) cannot. Looks at the whitespace after one quote and at most a few letters, so the pass
     * stays linear.
     */
    private boolean plausibleAfter(int j) {
      if (j >= n) {
        return true;
      }
      char glued = s.charAt(j);
      if (isWordPart(glued) || glued == '\'' || glued == '"') {
        return false;
      }
      while (j < n && isSpace(s.charAt(j))) {
        j++;
      }
      if (j >= n) {
        return true;
      }
      char c = s.charAt(j);
      if (isOperatorChar(c)) {
        return true;
      }
      switch (c) {
        case ',':
        case ')':
        case ';':
        case ':':
        case ']':
        case '}':
        case '\'':
        case '"':
          return true;
        default:
          return isAsciiLetter(c) && followWord(j);
      }
    }

    private boolean followWord(int j) {
      int end = j;
      while (end < n && end - j <= MAX_FOLLOW_WORD_LENGTH && (isAsciiLetter(s.charAt(end)) || s.charAt(end) == '_')) {
        end++;
      }
      if (end >= n && inputCut) {
        return true; // a word cut by the length cap may be the start of any keyword
      }
      if (end < n && isWordPart(s.charAt(end))) {
        return false;
      }
      int length = end - j;
      for (String w : FOLLOW_WORDS) {
        if (w.length() == length && s.regionMatches(true, j, w, 0, length)) {
          return true;
        }
      }
      return false;
    }

    /** Oracle {@code q'[...]'} (prefix at {@code start}, quote at {@code quote}): any delimiter, brackets pair. */
    private void qQuote(int start, int quote) {
      if (quote + 1 >= n) {
        unterminated(start);
        return;
      }
      char open = s.charAt(quote + 1);
      char close;
      switch (open) {
        case '[':
          close = ']';
          break;
        case '{':
          close = '}';
          break;
        case '(':
          close = ')';
          break;
        case '<':
          close = '>';
          break;
        default:
          close = open;
      }
      for (int j = quote + 2; j + 1 < n; j++) {
        if (s.charAt(j) == close && s.charAt(j + 1) == '\'') {
          literal(start, j + 2);
          i = j + 2;
          return;
        }
      }
      unterminated(start);
    }

    /** True when a {@code "..."} at {@code i} stands where a value goes, so it is a MySQL/SQLite string. */
    private boolean valuePosition() {
      switch (prevType) {
        case T_OP:
          return valueAfterOperator(prevChar);
        case T_WORD:
          return prevValueWord;
        case T_LPAREN:
        case T_COMMA:
          return (valueLists & bit(depth)) != 0;
        default:
          return false;
      }
    }

    /** A {@code "..."} in a value position: a literal, unless it qualifies a name ({@code = "T"."id"}). */
    private void doubleQuotedValue() {
      int start = i;
      int end = scanString(start, false);
      if (end < 0) {
        unterminated(start);
      } else if (!scanSawBackslash && end < n && s.charAt(end) == '.') {
        // Without backslashes the identifier reading ends at the same quote.
        space(T_QIDENT);
        sb.append(s, start, end);
        i = end;
        after(T_QIDENT, KW_NONE, '"');
      } else {
        literal(start, end);
        i = end;
      }
    }

    private void unterminated(int start) {
      literal(start, n);
      i = n;
      stop = true;
      if (!inputCut) {
        misread = true; // a literal cut by the length cap is expected to be open
      }
    }

    private void quotedIdentifier(char q) {
      if (ambiguous > 0 && prevType == T_LIT) {
        misread = true; // 'x\'' "y": more likely the rest of a string than an alias
      }
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
          if (c == 'q' || c == 'Q') {
            qQuote(i, i + 1);
            return;
          }
        } else if ((d == 'q' || d == 'Q') && (c == 'n' || c == 'N') && i + 2 < n && s.charAt(i + 2) == '\'') {
          qQuote(i, i + 2);
          return;
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
        boolean values = opensValueList();
        depth++;
        long b = bit(depth);
        valueLists = values ? valueLists | b : valueLists & ~b;
        valuesRows &= ~b;
        betweens &= ~b;
      } else if (type == T_RPAREN) {
        long b = ~bit(depth);
        valueLists &= b;
        valuesRows &= b;
        betweens &= b;
        depth--;
      }
      valueContext(type, kw);
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
      prevChar = c;
    }

    /** Whether the {@code (} being appended opens a list of values (at the depth before it). */
    private boolean opensValueList() {
      long b = bit(depth);
      switch (prevType) {
        case T_WORD:
          return prevKw == KW_IN
              || prevKw == KW_VALUES
              || prevKw == KW_AGAINST
              || (prevKw == KW_ROW && (valuesRows & b) != 0);
        case T_COMMA:
          return (valuesRows & b) != 0 || (valueLists & b) != 0;
        case T_LPAREN:
          return (valueLists & b) != 0;
        default:
          return false;
      }
    }

    /** Tracks VALUES rows, BETWEEN ... AND, IDENTIFIED ... BY, and whether a word makes the next token a value. */
    private void valueContext(int type, int kw) {
      long b = bit(depth);
      if (type == T_WORD && kw == KW_VALUES) {
        valuesRows |= b;
      } else if (type != T_LPAREN && type != T_RPAREN && type != T_COMMA && !(type == T_WORD && kw == KW_ROW)) {
        valuesRows &= ~b;
      }
      boolean value = false;
      if (type == T_WORD) {
        if (kw == KW_BETWEEN) {
          betweens |= b;
          value = true;
        } else if (kw == KW_AND) {
          value = (betweens & b) != 0;
          betweens &= ~b;
        } else if (kw == KW_IDENTIFIED) {
          identifiedPending = true;
        } else if (kw == KW_BY) {
          value = identifiedPending;
          identifiedPending = false;
        } else {
          value = valueAfter(kw);
        }
      }
      prevValueWord = value;
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
          listItems += items;
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
