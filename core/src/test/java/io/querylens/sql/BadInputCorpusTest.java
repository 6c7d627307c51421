package io.querylens.sql;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.function.Function;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Bad input never hurts: a corpus of more than 10,000 statements (generated from hand-picked dialect quirks, broken
 * quoting and comments, 1 MB statements, binary garbage, deep nesting, Unicode identifiers) and a seeded mutation loop
 * over it go through the normalizer and the analyzer with no exception escaping and a shape for every one. The time
 * each took is printed as figures for docs/reliability.md; no test here asserts on time.
 */
class BadInputCorpusTest {

  private static final long SEED = 20261128L;
  private static final int MUTATIONS = 20_000;

  private static SqlAnalyzer analyzer;
  private final SqlNormalizer normalizer = new SqlNormalizer();

  @BeforeAll
  static void start() {
    analyzer = new SqlAnalyzer();
  }

  @AfterAll
  static void stop() {
    analyzer.close();
  }

  /** Hand-picked statements: dialect quirks and the ways SQL text breaks. */
  static List<String> handPicked() {
    return List.of(
        "select * from t where a = 'it''s' and b = E'\\n' and c = $$dollar 'quoted'$$ and d = $tag$x$tag$",
        "select `weird``name`, [bracketed name], \"double\"\"quoted\" from `db`.`t`",
        "select 'unterminated from t where a = ?",
        "select * from t /* unterminated comment",
        "select * from t -- trailing comment without newline",
        "select $$ unterminated dollar quote",
        "select $1, $2::int, :named, ?1, ?2, @var, #{mybatis}, ${raw} from t",
        "SELECT /*+ INDEX(t idx) */ * FROM t WHERE ROWNUM <= 10 FOR UPDATE NOWAIT",
        "select top 10 * from [dbo].[t] with (nolock) option (recompile)",
        "insert into t values (1, 'a'), (2, 'b'), (3, 'c') on conflict (id) do update set a = excluded.a returning *",
        "merge into t using s on (t.id = s.id) when matched then update set t.a = s.a when not matched then insert values "
            + "(s.id, s.a)",
        "with recursive r(n) as (select 1 union all select n + 1 from r where n < 10) select * from r",
        "{call proc(?, ?)}", "{? = call fn(?)}", "exec sp_who", "call p()",
        "select * from t where a in ()", "select * from t where a in (", "select * from t where (a, b) in ((1, 2), (3",
        "select json_col->>'key', arr[1], x::jsonb #> '{a,b}', a ? 'k', a ?| array['x'] from t",
        "select 1e309, -0.0, .5, 0x1F, x'FF', b'101', N'ünïcödé', U&'\\0041' from dual",
        "select * from \"таблица\" where \"поле\" = 'значение' and 名前 = '値' and emoji = '😀'",
        "select\u0000from\u0000t", "select * from t where a = '\u0000'", "\uFEFFselect 1",
        "", " ", ";", ";;;", "--", "/**/", "'", "\"", "`", "[", "$$", "?", "(((", ")))", "select", "from", "where",
        "select * from t where a = ? and b = ? and c = ?;select * from u;", "begin; commit;", "set search_path = x",
        "explain analyze select * from t", "copy t from stdin", "\\copy t to 'x'", "create table t (a int)",
        "select * from t where a like '%x%' escape '\\'", "select * from t where a ~ '^x' and b similar to 'y'",
        "select case when a then b else c end, cast(a as varchar(10)), extract(year from d) from t",
        "select * from t1 natural join t2 cross join lateral (select * from t3) x full outer join t4 using (id)",
        "select * from t limit 10 offset 20", "select * from t limit 20, 10", "select * from t offset 5 rows fetch next 3 "
            + "rows only");
  }

  /** Generated statements: every hand-picked one in pieces, combined, repeated and broken. */
  static List<String> corpus() {
    Random random = new Random(SEED);
    List<String> picked = handPicked();
    List<String> corpus = new ArrayList<>(picked);
    String[] fragments = {"select", "from", "where", "'", "\"", "`", "$$", "/*", "*/", "--", "\n", "(", ")", "?", ",",
        "=", "in", "like", "'%'", "and", "or", "t", "a.b", "1", "-1", "1.5e3", "null", "\\", "\u0000", "é", "𝔘", ";",
        "::", "[", "]", "{", "}", "$1", "e'", "n'", "x'", "union all", "values", "order by", "limit", "offset"};
    while (corpus.size() < 10_000) {
      int kind = random.nextInt(5);
      String statement = switch (kind) {
        case 0 -> { // fragments in random order
          StringBuilder sb = new StringBuilder();
          int n = 1 + random.nextInt(40);
          for (int i = 0; i < n; i++) {
            sb.append(fragments[random.nextInt(fragments.length)]).append(random.nextBoolean() ? " " : "");
          }
          yield sb.toString();
        }
        case 1 -> { // a hand-picked statement cut short
          String base = picked.get(random.nextInt(picked.size()));
          yield base.substring(0, base.isEmpty() ? 0 : random.nextInt(base.length()));
        }
        case 2 -> { // two glued together
          yield picked.get(random.nextInt(picked.size())) + picked.get(random.nextInt(picked.size()));
        }
        case 3 -> { // binary garbage
          char[] chars = new char[1 + random.nextInt(200)];
          for (int i = 0; i < chars.length; i++) {
            chars[i] = (char) random.nextInt(0x10000);
          }
          yield new String(chars);
        }
        default -> { // a long IN list or VALUES run of literals
          StringBuilder sb = new StringBuilder("select * from t where id in (");
          int n = 1 + random.nextInt(2_000);
          for (int i = 0; i < n; i++) {
            sb.append(i == 0 ? "" : ", ").append(random.nextBoolean() ? String.valueOf(random.nextLong())
                : "'" + Long.toHexString(random.nextLong()) + "'");
          }
          yield sb.append(')').toString();
        }
      };
      corpus.add(statement);
    }
    corpus.add("select * from t where a = '" + "x".repeat(1_000_000) + "'");
    corpus.add("select " + "a, ".repeat(200_000) + "b from t");
    corpus.add("select * from t where " + "(".repeat(5_000) + "a = 1" + ")".repeat(5_000));
    corpus.add("select * from t where a in " + "(select a from t where a in ".repeat(300) + "(1)" + ")".repeat(300));
    corpus.add("/*" + "*".repeat(1_000_000));
    corpus.add("'" + "''".repeat(500_000));
    return corpus;
  }

  @Test
  void everyStatementOfTheCorpusGetsAShapeAndAStructureWithoutAnException() {
    List<String> corpus = corpus();
    Figures normalizing = new Figures();
    Figures analysing = new Figures();
    List<String> slowest = new ArrayList<>();
    for (String statement : corpus) {
      long start = System.nanoTime();
      NormalizedSql normalized = normalizer.normalize(statement);
      normalizing.add(System.nanoTime() - start);
      assertThat(normalized.shape()).as(preview(statement)).isNotNull();
      assertThat(normalized.kind()).isNotNull();
      assertThat(normalized.shape().length()).isLessThanOrEqualTo(SqlNormalizer.DEFAULT_MAX_LENGTH + 64);
      start = System.nanoTime();
      SqlStructure structure = analyzer.analyze(normalized.shape());
      long took = System.nanoTime() - start;
      analysing.add(took);
      if (took > 1_000_000_000L && slowest.size() < 3) {
        slowest.add(preview(normalized.shape()));
      }
      assertThat(structure).as(preview(statement)).isNotNull();
      assertThat(structure.kind()).isNotNull();
      assertThat(structure.problem() == null || structure.problem().length() <= SqlAnalyzer.MAX_PROBLEM_LENGTH)
          .isTrue();
    }
    assertThat(corpus).hasSizeGreaterThanOrEqualTo(10_000);
    System.out.println("[figures] bad-input corpus: " + corpus.size() + " statements; normalize "
        + normalizing.summary(1_000, "µs") + "; analyze " + analysing.summary(1_000_000, "ms") + ", "
        + analysing.over(1_000_000_000L) + " over 1 s (JSqlParser's parse timeout is "
        + SqlAnalyzer.DEFAULT_PARSE_TIMEOUT_MILLIS + " ms; then the lexical reading is used)" + (slowest.isEmpty() ? "" : ", e.g. " + slowest));
  }

  @Test
  void aSeededMutationLoopFindsNoStatementThatBreaksTheNormalizerOrTheLexer() {
    Random random = new Random(SEED + 1);
    List<String> seeds = handPicked();
    char[] alphabet = "'\"`$-/*()?;\\\n\t\u0000[]{}:%_eEnNxX0123456789 é😀".toCharArray();
    Figures normalizing = new Figures();
    Figures lexing = new Figures();
    int statements = 0;
    for (int i = 0; i < MUTATIONS; i++) {
      StringBuilder sb = new StringBuilder(seeds.get(random.nextInt(seeds.size())));
      int edits = 1 + random.nextInt(8);
      for (int e = 0; e < edits; e++) {
        int at = sb.length() == 0 ? 0 : random.nextInt(sb.length() + 1);
        switch (random.nextInt(3)) {
          case 0 -> sb.insert(at, alphabet[random.nextInt(alphabet.length)]);
          case 1 -> {
            if (at < sb.length()) {
              sb.deleteCharAt(at);
            }
          }
          default -> {
            if (at < sb.length()) {
              sb.setCharAt(at, alphabet[random.nextInt(alphabet.length)]);
            }
          }
        }
      }
      String statement = sb.toString();
      long start = System.nanoTime();
      NormalizedSql normalized = normalizer.normalize(statement);
      normalizing.add(System.nanoTime() - start);
      assertThat(normalized.shape()).as(preview(statement)).isNotNull();
      start = System.nanoTime();
      List<SqlLexer.Token> tokens = SqlLexer.tokenize(statement);
      lexing.add(System.nanoTime() - start);
      assertThat(tokens).isNotNull();
      assertThat(LikePatterns.leadingWildcard(statement, -1L)).isIn(true, false);
      statements++;
    }
    System.out.println("[figures] mutation loop (seed " + SEED + "): " + statements + " mutated statements; normalize "
        + normalizing.summary(1_000, "µs") + "; tokenize " + lexing.summary(1_000, "µs"));
  }

  private static String preview(String statement) {
    String head = statement.length() > 120 ? statement.substring(0, 120) + "..." : statement;
    return head.chars().allMatch(c -> c >= 32 && c < 127) ? head : "(" + statement.length() + " chars, not ASCII)";
  }

  /** Durations, summarized as p50 / p99 / max. */
  private static final class Figures {
    private long[] nanos = new long[1024];
    private int count;

    void add(long value) {
      if (count == nanos.length) {
        nanos = Arrays.copyOf(nanos, count * 2);
      }
      nanos[count++] = value;
    }

    long over(long limitNanos) {
      return Arrays.stream(nanos, 0, count).filter(value -> value > limitNanos).count();
    }

    String summary(long unit, String unitName) {
      long[] sorted = Arrays.copyOf(nanos, count);
      Arrays.sort(sorted);
      Function<Double, String> at = q -> String.format(Locale.ROOT, "%.1f",
          sorted[Math.min(count - 1, (int) (q * count))] / (double) unit);
      return "p50 " + at.apply(0.50) + " " + unitName + ", p99 " + at.apply(0.99) + " " + unitName + ", max "
          + at.apply(1.0) + " " + unitName;
    }
  }
}
