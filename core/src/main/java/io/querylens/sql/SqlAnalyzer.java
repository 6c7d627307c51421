package io.querylens.sql;

import io.querylens.sql.SqlStructure.Bound;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.logging.Level;
import java.util.logging.Logger;
import net.sf.jsqlparser.parser.CCJSqlParser;
import net.sf.jsqlparser.parser.CCJSqlParserUtil;
import net.sf.jsqlparser.parser.StringProvider;
import net.sf.jsqlparser.parser.TokenMgrException;
import net.sf.jsqlparser.statement.Statement;
import net.sf.jsqlparser.statement.UnsupportedStatement;

/**
 * Reads the structure of a statement shape: what it does, which tables it touches, which columns it filters, joins
 * and sorts on, and its row bounds. Never throws.
 *
 * <p>JSqlParser does the reading when it can. It can take seconds, or practically forever, on some input (nested
 * parentheses make its lookahead exponential), so every parse runs on a daemon thread of this analyzer, named {@value
 * #THREAD_NAME}, and {@link #analyze} waits at most the parse timeout (plus a few tens of milliseconds) for it. A
 * parse that will not stop is abandoned to its thread; while {@value #MAX_STUCK_THREADS} such threads are still
 * running, JSqlParser is not used at all, so threads never pile up. When JSqlParser fails, times out, or is
 * not tried (input too long or truncated), a lexical fallback guesses the kind and the tables and leaves the rest
 * empty, with {@link SqlStructure#parsed()} false.
 *
 * <p>Meant to run once per new shape on a background thread; not for the application's threads. Thread-safe: calls
 * are serialized.
 */
public final class SqlAnalyzer implements AutoCloseable {

  /** The name of the parser threads. */
  public static final String THREAD_NAME = "querylens-sql-parser";

  /** Default time one parse may take. */
  public static final long DEFAULT_PARSE_TIMEOUT_MILLIS = 2000;

  /** Default longest input handed to JSqlParser; longer input is only read lexically. */
  public static final int DEFAULT_MAX_PARSED_LENGTH = 16 * 1024;

  /** While this many abandoned parser threads are still running, JSqlParser is not used. */
  static final int MAX_STUCK_THREADS = 3;

  /** How long a timed-out parse gets to notice it was cancelled before its thread is written off. */
  private static final long CANCEL_GRACE_MILLIS = 50;

  /** Starts the problem of a structure that may come out differently if analysed again later. */
  static final String TRANSIENT = "not parsed this time: ";

  /** Longest {@link SqlStructure#problem()} text. */
  static final int MAX_PROBLEM_LENGTH = 200;

  /** JSqlParser's own rule: complex parsing is exponential in nesting, so it is only retried up to this depth. */
  private static final int MAX_COMPLEX_PARSING_DEPTH = 10;

  /** Parentheses nested deeper than this are not given to JSqlParser (it can take seconds on them). */
  static final int MAX_PARSED_DEPTH = 100;

  /** Parse threads recurse deeply on long conditions; the walker recurses along the same trees. */
  private static final long PARSER_STACK_BYTES = 4L * 1024 * 1024;

  private static final String TRUNCATION_MARK = " ...";

  /**
   * JSqlParser logs through java.util.logging, whose default console handler writes to the application's stderr.
   * Levels are set on the package's root logger, which its class loggers inherit from; the strong reference keeps
   * java.util.logging from collecting the logger and forgetting the level.
   */
  private static final Logger JSQLPARSER_LOGGER = silenceJSqlParserLogging();

  private final long parseTimeoutMillis;
  private final int maxParsedLength;
  private final StatementParser parser;

  // guarded by this
  private ThreadPoolExecutor executor;
  /** Timed-out parses whose threads had not stopped when they were given up on. */
  private final List<ParseTask> abandoned = new ArrayList<>();
  private boolean closed;

  /** An analyzer with a {@value #DEFAULT_PARSE_TIMEOUT_MILLIS} ms parse timeout and a 16384-character parse cap. */
  public SqlAnalyzer() {
    this(DEFAULT_PARSE_TIMEOUT_MILLIS, DEFAULT_MAX_PARSED_LENGTH);
  }

  /**
   * @param parseTimeoutMillis how long one JSqlParser parse may take before the lexical fallback is used
   * @param maxParsedLength inputs longer than this are only read lexically
   */
  public SqlAnalyzer(long parseTimeoutMillis, int maxParsedLength) {
    this(parseTimeoutMillis, maxParsedLength, JSQLPARSER);
  }

  SqlAnalyzer(long parseTimeoutMillis, int maxParsedLength, StatementParser parser) {
    if (parseTimeoutMillis <= 0) {
      throw new IllegalArgumentException("parseTimeoutMillis must be positive: " + parseTimeoutMillis);
    }
    if (maxParsedLength <= 0) {
      throw new IllegalArgumentException("maxParsedLength must be positive: " + maxParsedLength);
    }
    this.parseTimeoutMillis = parseTimeoutMillis;
    this.maxParsedLength = maxParsedLength;
    this.parser = parser;
  }

  /**
   * Analyzes a statement shape (or raw SQL). Never throws; blocks at most about the parse timeout.
   *
   * @param shape a shape produced by {@link SqlNormalizer}, possibly truncated (ending with {@code " ..."}), or raw
   *     SQL; null and blank give an unparsed structure of kind {@link StatementKind#OTHER} without tables
   * @return the structure; {@link SqlStructure#parsed()} tells whether JSqlParser understood it
   */
  public SqlStructure analyze(String shape) {
    try {
      return analyzeUnchecked(shape);
    } catch (Throwable t) {
      // the contract is "never throws": the lexer and walker are meant to be total, this guards against their bugs
      try {
        return lexical(shape, SqlLexer.tokenize(shape), "analysis failed: " + t.getClass().getSimpleName());
      } catch (Throwable again) {
        return empty("analysis failed: " + t.getClass().getSimpleName());
      }
    }
  }

  /**
   * True when {@code structure} fell back to the lexical reading for a passing reason (a timeout on a busy or cold
   * JVM, an interrupt, stuck parser threads), so analysing the same shape again later may do better.
   */
  public static boolean isTransient(SqlStructure structure) {
    return !structure.parsed() && structure.problem() != null && structure.problem().startsWith(TRANSIENT);
  }

  /** Stops the parser thread. Later calls to {@link #analyze} only read lexically. */
  @Override
  public synchronized void close() {
    closed = true;
    if (executor != null) {
      executor.shutdownNow();
      executor = null;
    }
  }

  private SqlStructure analyzeUnchecked(String shape) {
    if (shape == null || shape.isBlank()) {
      return empty(null);
    }
    List<SqlLexer.Token> tokens = SqlLexer.tokenize(shape);
    if (shape.length() > maxParsedLength) {
      return lexical(shape, tokens, "not parsed: longer than " + maxParsedLength + " characters");
    }
    if (shape.stripTrailing().endsWith(TRUNCATION_MARK)) {
      return lexical(shape, tokens, "not parsed: the shape is truncated");
    }
    int depth = parenthesisDepth(tokens);
    if (depth < 0) {
      // No database runs it either, and JSqlParser can spend its whole timeout backtracking over "select(((".
      return lexical(shape, tokens, "not parsed: unbalanced parentheses");
    }
    if (depth > MAX_PARSED_DEPTH) {
      return lexical(shape, tokens, "not parsed: parentheses nested more than " + MAX_PARSED_DEPTH + " deep");
    }
    if (printsToStdout(tokens)) {
      return lexical(shape, tokens, "not parsed: JSqlParser 5.3 prints to stdout on STRUCT<...> syntax");
    }
    return parse(shape, tokens);
  }

  /**
   * How deep parentheses outside quotes and comments nest; -1 when one is left open or one is closed before it
   * opens.
   */
  static int parenthesisDepth(List<SqlLexer.Token> tokens) {
    int depth = 0;
    int deepest = 0;
    for (SqlLexer.Token token : tokens) {
      if (token.isPunct('(')) {
        deepest = Math.max(deepest, ++depth);
      } else if (token.isPunct(')') && --depth < 0) {
        return -1;
      }
    }
    return depth == 0 ? deepest : -1;
  }

  private synchronized SqlStructure parse(String shape, List<SqlLexer.Token> tokens) {
    if (closed) {
      return lexical(shape, tokens, TRANSIENT + "the analyzer is closed");
    }
    // a thread that is still running is stuck; one that ended late was only slow and no longer counts
    abandoned.removeIf(task -> !task.running());
    if (abandoned.size() >= MAX_STUCK_THREADS) {
      return lexical(shape, tokens, TRANSIENT + "JSqlParser paused while " + abandoned.size() + " parses are stuck");
    }
    ParseTask task = new ParseTask(jdbcEscapeStripped(shape), tokens, parser);
    Future<SqlStructure> future;
    try {
      future = executor().submit(task::run);
    } catch (RejectedExecutionException e) {
      return lexical(shape, tokens, TRANSIENT + "parser thread unavailable");
    }
    try {
      return future.get(parseTimeoutMillis, TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      abandon(task, future);
      return lexical(shape, tokens, TRANSIENT + "JSqlParser timed out after " + parseTimeoutMillis + " ms");
    } catch (ExecutionException e) {
      Throwable cause = e.getCause() == null ? e : e.getCause();
      return lexical(shape, tokens, problem(cause));
    } catch (InterruptedException e) {
      abandon(task, future);
      Thread.currentThread().interrupt();
      return lexical(shape, tokens, TRANSIENT + "interrupted");
    }
  }

  /**
   * Stops a parse that ran out of time. JSqlParser ignores thread interrupts; its only cancellation is the parser's
   * {@code interrupted} flag, which some grammar rules check (CCJSqlParserUtil sets it on its own timeouts). Rules that
   * do not check it run on for seconds or longer, so a thread that has not finished shortly after is left behind, and
   * the next parse gets a fresh thread. At most {@link #MAX_STUCK_THREADS} are left behind at once: past that, parsing
   * pauses until one of them ends.
   */
  private void abandon(ParseTask task, Future<SqlStructure> future) {
    task.cancel();
    future.cancel(true);
    boolean finished;
    try {
      finished = task.done.await(CANCEL_GRACE_MILLIS, TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      finished = false;
    }
    if (!finished) {
      abandoned.add(task);
      executor.shutdownNow();
      executor = null;
    }
  }

  private ThreadPoolExecutor executor() {
    if (executor == null) {
      ThreadPoolExecutor pool =
          new ThreadPoolExecutor(
              1,
              1,
              30,
              TimeUnit.SECONDS,
              new LinkedBlockingQueue<>(),
              r -> {
                Thread t = new Thread(null, r, THREAD_NAME, PARSER_STACK_BYTES);
                t.setDaemon(true);
                return t;
              });
      // the agent should not hold an idle thread
      pool.allowCoreThreadTimeOut(true);
      executor = pool;
    }
    return executor;
  }

  /**
   * How a statement is parsed on the parser thread. The only implementation outside tests is {@link #JSQLPARSER};
   * tests substitute one that ignores cancellation, to exercise the stuck-thread handling deterministically.
   */
  interface StatementParser {
    /**
     * @param sql the text to parse
     * @param squareBrackets whether {@code [x]} quotes identifiers
     * @param cancellation receives each parser created, so that a timeout can raise its {@code interrupted} flag
     */
    Parsed parse(String sql, boolean squareBrackets, Cancellation cancellation) throws Exception;
  }

  /**
   * A parsed statement.
   *
   * @param markerCount how many {@code ?} markers the parser numbered
   */
  record Parsed(Statement statement, int markerCount) {}

  /** The link between a parse and the thread waiting for it. */
  static final class Cancellation {
    private volatile CCJSqlParser parser;
    private volatile boolean cancelled;

    /** Registers the parser now working; it is flagged at once if the parse was already cancelled. */
    void parsing(CCJSqlParser p) {
      parser = p;
      if (cancelled) {
        p.interrupted = true;
      }
    }

    boolean cancelled() {
      return cancelled;
    }

    void cancel() {
      cancelled = true;
      CCJSqlParser p = parser;
      if (p != null) {
        p.interrupted = true;
      }
    }
  }

  /**
   * Mirrors CCJSqlParserUtil.parse: a fast "simple" parse first, then, if that fails and the nesting is shallow, a
   * "complex" one. Done here rather than through CCJSqlParserUtil because the utility runs each parse on an executor
   * (a new non-daemon thread per call unless one is passed), which would put a second thread under this one, and
   * because the parser must stay reachable for cancellation.
   */
  static final StatementParser JSQLPARSER =
      (sql, squareBrackets, cancellation) -> {
        try {
          return attempt(sql, false, squareBrackets, cancellation);
        } catch (Exception simpleFailed) {
          // a lexical error fails the same way in either mode
          if (cancellation.cancelled()
              || simpleFailed instanceof TokenMgrException
              || CCJSqlParserUtil.getNestingDepth(sql) > MAX_COMPLEX_PARSING_DEPTH) {
            throw simpleFailed;
          }
          return attempt(sql, true, squareBrackets, cancellation);
        }
      };

  private static Parsed attempt(String sql, boolean complex, boolean squareBrackets, Cancellation cancellation)
      throws Exception {
    CountingParser p = new CountingParser(sql);
    p.withAllowComplexParsing(complex).withSquareBracketQuotation(squareBrackets);
    cancellation.parsing(p);
    Statement statement = p.Statement();
    return new Parsed(statement, p.markerCount());
  }

  /** Exposes how many {@code ?} markers JSqlParser numbered, to check its numbering against the lexer's count. */
  private static final class CountingParser extends CCJSqlParser {
    CountingParser(String sql) {
      super(new StringProvider(sql));
    }

    int markerCount() {
      return jdbcParameterIndex;
    }
  }

  /** One parse and walk, on the parser thread. */
  private static final class ParseTask {
    final String sql;
    final List<SqlLexer.Token> tokens;
    final StatementParser parser;
    final Cancellation cancellation = new Cancellation();
    final CountDownLatch done = new CountDownLatch(1);
    volatile Thread runner;

    ParseTask(String sql, List<SqlLexer.Token> tokens, StatementParser parser) {
      this.sql = sql;
      this.tokens = tokens;
      this.parser = parser;
    }

    SqlStructure run() throws Exception {
      runner = Thread.currentThread();
      try {
        Parsed parsed = parser.parse(sql, SqlLexer.hasBracketIdentifier(sql, tokens), cancellation);
        Statement statement = parsed == null ? null : parsed.statement();
        if (statement == null || statement instanceof UnsupportedStatement) {
          throw new ParserGaveUp("JSqlParser does not support this statement");
        }
        try {
          return new StatementWalker(tokens, parsed.markerCount()).walk(statement, SqlLexer.kind(tokens));
        } catch (RuntimeException | StackOverflowError e) {
          throw new WalkFailed(e);
        }
      } finally {
        done.countDown();
      }
    }

    /** False once the parse ended, and when it never started (cancelled while queued). */
    boolean running() {
      Thread t = runner;
      return t != null && t.isAlive() && done.getCount() > 0;
    }

    void cancel() {
      cancellation.cancel();
    }
  }

  /** JSqlParser returned nothing usable. */
  private static final class ParserGaveUp extends Exception {
    ParserGaveUp(String message) {
      super(message, null, false, false);
    }
  }

  /** The walker failed on a tree JSqlParser produced. */
  private static final class WalkFailed extends Exception {
    WalkFailed(Throwable cause) {
      super(cause.getClass().getSimpleName(), cause, false, false);
    }
  }

  // ---------------------------------------------------------------------------------------------------------------
  // Fallback

  private static SqlStructure lexical(String shape, List<SqlLexer.Token> tokens, String problem) {
    return new SqlStructure(
        SqlLexer.kind(tokens),
        SqlLexer.guessTables(tokens),
        List.of(),
        List.of(),
        List.of(),
        false,
        false,
        Bound.NONE,
        Bound.NONE,
        false,
        Map.of(),
        false,
        oneLine(problem));
  }

  private static SqlStructure empty(String problem) {
    return new SqlStructure(
        StatementKind.OTHER,
        List.of(),
        List.of(),
        List.of(),
        List.of(),
        false,
        false,
        Bound.NONE,
        Bound.NONE,
        false,
        Map.of(),
        false,
        problem);
  }

  /**
   * One line saying why JSqlParser's result is not used. Only the first line of a parser message is kept (the rest
   * lists expected tokens), plus its "at line, column" line; it quotes at most a token of the input.
   */
  static String problem(Throwable t) {
    if (t instanceof WalkFailed) {
      return "could not read JSqlParser's tree: " + t.getMessage();
    }
    if (t instanceof ParserGaveUp) {
      return t.getMessage();
    }
    if (t instanceof StackOverflowError) {
      return "JSqlParser could not parse it: StackOverflowError (nested too deeply)";
    }
    String message = t.getMessage();
    if (message == null || message.isBlank()) {
      return "JSqlParser could not parse it: " + t.getClass().getSimpleName();
    }
    String[] lines = message.strip().split("\\R");
    String text = lines[0].strip();
    if (lines.length > 1 && lines[1].strip().toLowerCase(Locale.ROOT).startsWith("at line")) {
      text = text + " " + lines[1].strip();
    }
    return "JSqlParser could not parse it: " + text;
  }

  private static String oneLine(String problem) {
    if (problem == null) {
      return null;
    }
    String s = problem.replaceAll("\\s+", " ").strip();
    return s.length() <= MAX_PROBLEM_LENGTH ? s : s.substring(0, MAX_PROBLEM_LENGTH - 3) + "...";
  }

  /** {@code {call p(?)}} and {@code {? = call p(?)}} are JDBC escapes, not SQL; JSqlParser reads the inside. */
  private static String jdbcEscapeStripped(String shape) {
    String s = shape.strip();
    if (s.startsWith("{") && s.endsWith("}")) {
      return s.substring(1, s.length() - 1).strip();
    }
    return shape;
  }

  /** JSqlParser 5.3's StructType rule prints "found arguments!" to System.out. */
  private static boolean printsToStdout(List<SqlLexer.Token> tokens) {
    for (int i = 0; i + 1 < tokens.size(); i++) {
      if (tokens.get(i).isWord("struct") && tokens.get(i + 1).isPunct('<')) {
        return true;
      }
    }
    return false;
  }

  private static Logger silenceJSqlParserLogging() {
    String parserPackage = CCJSqlParser.class.getPackageName();
    String root = parserPackage.substring(0, Math.max(0, parserPackage.lastIndexOf('.')));
    Logger logger = Logger.getLogger(root.isEmpty() ? parserPackage : root);
    logger.setLevel(Level.OFF);
    return logger;
  }
}
