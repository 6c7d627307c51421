package io.querylens.sql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Random;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class SqlNormalizerTest {

  private final SqlNormalizer normalizer = new SqlNormalizer();

  private NormalizedSql norm(String sql) {
    return normalizer.normalize(sql);
  }

  private String shape(String sql) {
    return normalizer.normalize(sql).shape();
  }

  @Nested
  class BasicShapes {
    @Test
    void plainSelectWithNumber() {
      assertThat(shape("SELECT p.id, p.bio FROM profiles p WHERE p.user_id = 42"))
          .isEqualTo("select p.id, p.bio from profiles p where p.user_id = ?");
    }

    @Test
    void hibernateStyleKeepsDigitsInIdentifiersAndSpacesAfterCommas() {
      assertThat(shape("select u1_0.id,u1_0.name from users u1_0 where u1_0.id=?"))
          .isEqualTo("select u1_0.id, u1_0.name from users u1_0 where u1_0.id=?");
    }

    @Test
    void whitespaceRunsFoldAndEndsAreTrimmed() {
      assertThat(shape("  \n\tSELECT\t\ta\r\n FROM   t \n ")).isEqualTo("select a from t");
    }

    @Test
    void commaSpacingIsNormalized() {
      assertThat(shape("select a , b,c from t")).isEqualTo("select a, b, c from t");
    }

    @Test
    void noSpaceInsideParentheses() {
      assertThat(shape("select count( * ) from t")).isEqualTo("select count(*) from t");
    }

    @Test
    void spaceBeforeParenthesisFollowsTheSource() {
      assertThat(shape("select f (a), g(b) from t")).isEqualTo("select f (a), g(b) from t");
    }

    @Test
    void noSpaceAroundDotOrBeforeSemicolon() {
      assertThat(shape("select t . a from t ;")).isEqualTo("select t.a from t;");
    }

    @Test
    void nonAsciiWordsAreLowerCasedAndSurrogatePairsKept() {
      assertThat(shape("SELECT ÄBC, Ωmega, x\uD835\uDC00y FROM t"))
          .isEqualTo("select äbc, ωmega, x\uD835\uDC00y from t");
    }

    @Test
    void booleanAndNullStayAsLowerCaseWords() {
      NormalizedSql n = norm("UPDATE t SET a = TRUE, b = False, c = NULL");
      assertThat(n.shape()).isEqualTo("update t set a = true, b = false, c = null");
      assertThat(n.literalCount()).isZero();
    }

    @Test
    void questionMarksStayAndAreNotLiterals() {
      NormalizedSql n = norm("select * from t where a = ? and b = ?");
      assertThat(n.shape()).isEqualTo("select * from t where a = ? and b = ?");
      assertThat(n.literalCount()).isZero();
      assertThat(n.literalHash()).isZero();
    }

    @Test
    void limitAndOffsetLiteralsAreReplaced() {
      assertThat(shape("select * from t LIMIT 10 OFFSET 20")).isEqualTo("select * from t limit ? offset ?");
    }

    @Test
    void hashIsAnOperatorNotAComment() {
      assertThat(shape("select a # b from t")).isEqualTo("select a # b from t");
    }

    @Test
    void namedParametersAreNotMarkers() {
      assertThat(shape("select * from t where a = :name")).isEqualTo("select * from t where a = :name");
    }
  }

  @Nested
  class StringLiterals {
    @Test
    void stringsBecomeMarkers() {
      NormalizedSql n = norm("select * from users where email = 'alice@example.com'");
      assertThat(n.shape()).isEqualTo("select * from users where email = ?");
      assertThat(n.literalCount()).isEqualTo(1);
    }

    @Test
    void doubledQuotesAreEscapes() {
      NormalizedSql n = norm("select * from t where name = 'O''Brien' and x = 'it''s'");
      assertThat(n.shape()).isEqualTo("select * from t where name = ? and x = ?");
      assertThat(n.literalCount()).isEqualTo(2);
    }

    @Test
    void eStringsHaveBackslashEscapes() {
      NormalizedSql n = norm("select * from t where a = E'it\\'s' and b = e'x\\\\' and c = 1");
      assertThat(n.shape()).isEqualTo("select * from t where a = ? and b = ? and c = ?");
      assertThat(n.literalCount()).isEqualTo(3);
    }

    @Test
    void backslashInPlainStringsIsLiteralUnlessItWouldSplitAWord() {
      // PostgreSQL standard strings: the backslash is an ordinary character.
      assertThat(shape("select 'C:\\', 1 from t")).isEqualTo("select ?, ? from t");
      // MySQL-style \' glued to the following word is read as an escape, so no part of the literal leaks.
      NormalizedSql n = norm("select * from t where a = 'it\\'s me' and b = 1");
      assertThat(n.shape()).isEqualTo("select * from t where a = ? and b = ?");
      assertThat(n.literalCount()).isEqualTo(2);
    }

    @Test
    void prefixedStringsConsumeTheirPrefix() {
      assertThat(shape("select N'abc', X'1F', b'101', U&'d\\0061t' from t"))
          .isEqualTo("select ?, ?, ?, ? from t");
    }

    @Test
    void quotedIdentifiersKeepTheirCase() {
      assertThat(shape("SELECT \"UserId\", `Other Col` FROM \"MySchema\".\"Users\""))
          .isEqualTo("select \"UserId\", `Other Col` from \"MySchema\".\"Users\"");
    }

    @Test
    void jdbcEscapesKeepTheirBraces() {
      assertThat(shape("{call my_proc(?, 5)}")).isEqualTo("{call my_proc(?, ?)}");
      assertThat(shape("select * from t where ts > {ts '2020-01-01 00:00:00'}"))
          .isEqualTo("select * from t where ts > {ts ?}");
    }
  }

  @Nested
  class DoubleQuotes {
    @ParameterizedTest
    @CsvSource(
        delimiter = '|',
        quoteCharacter = '~',
        value = {
          "select \"Id\" from \"Users\" where \"Email\" = ?",
          "SELECT \"UserId\", `Other Col` FROM \"MySchema\".\"Users\"",
          "select u.\"Name\" as \"Alias\", \"U\".\"Id\" from \"MySchema\".\"Users\" \"U\" where t.\"Col\" = ?",
          "select * from \"A\" a join \"B\" b on \"a\".\"Id\" = \"b\".\"AId\" where a.x = ? and b.y = \"b\".\"Z\"",
          "insert into \"T\" (\"A\", \"B\") values (?, ?)",
          "update \"T\" set \"A\" = ? where \"Id\" = ?",
          "select \"A\", count(\"B\") from \"T\" group by \"A\" order by \"A\" desc",
          "select * from t where \"a\" = ? and \"b\" is null and \"c\" in (select \"Id\" from \"U\")",
          "create table \"T\" (\"Id\" int primary key, \"Name\" text not null)"
        })
    void identifierPositionsAreUnchanged(String sql) {
      String expected = sql.replace("SELECT", "select").replace("FROM", "from");
      NormalizedSql n = norm(sql);
      assertThat(n.shape()).isEqualTo(expected);
      assertThat(n.literalCount()).isZero();
    }

    @ParameterizedTest
    @CsvSource(
        delimiter = '|',
        quoteCharacter = '~',
        value = {
          "select * from users where email = \"alice@example.com\"|select * from users where email = ?",
          "select \"Id\" from \"Users\" where \"Email\" = \"x@y.z\"|select \"Id\" from \"Users\" where \"Email\" = ?",
          "select `id` from `users` where `email` = \"a@b.c\"|select `id` from `users` where `email` = ?",
          "update users set name = \"Bob\", note=\"x\" where id = 1|update users set name = ?, note=? where id = ?",
          "insert into t (a) values (\"x\")|insert into t (a) values (?)",
          "insert into t (a, b) values (now(), \"x\")|insert into t (a, b) values (now(), ?)",
          "insert into t values row(\"a\"), row(\"b\")|insert into t values row(?), row(?)",
          "select * from t where a <> \"x\" or b != \"y\"|select * from t where a <> ? or b != ?",
          "select * from t where a < \"x\" or b > \"y\"|select * from t where a < ? or b > ?",
          "select * from t where c <= \"z\" or d >= \"w\"|select * from t where c <= ? or d >= ?",
          "select * from t where a like \"%x%\" or b ilike \"y\"|select * from t where a like ? or b ilike ?",
          "select * from t where c not like \"z\"|select * from t where c not like ?",
          "select * from t where a like \"a!%\" escape \"!\"|select * from t where a like ? escape ?",
          "select * from t where a regexp \"^x\" or b rlike \"y\"|select * from t where a regexp ? or b rlike ?",
          "select * from t where c glob \"z*\"|select * from t where c glob ?",
          "select * from t where a between \"x\" and \"y\"|select * from t where a between ? and ?",
          "delete from t where a between \"x\" and \"y\" and \"b\"=1|delete from t where a between ? and ? and \"b\"=?",
          "delete from t where \"a\" = 1 and \"b\" = \"c\"|delete from t where \"a\" = ? and \"b\" = ?",
          "select * from t where \"a\" = 1 and \"b\" = 2|select * from t where \"a\" = ? and \"b\" = ?",
          "select case when a = 1 then \"x\" end from t|select case when a = ? then ? end from t",
          "select case when \"y\" then \"z\" else \"w\" end from t|select case when ? then ? else ? end from t",
          "create table t (a text default \"x\" comment \"the a\")|create table t (a text default ? comment ?)",
          "create user u identified by \"pw\"|create user u identified by ?",
          "alter user u identified with sha2_password by \"pw\"|alter user u identified with sha2_password by ?",
          "select match(a) against (\"x y\" in boolean mode) from t|select match(a) against (? in boolean mode) from t",
          "select * from t where d > now() - interval \"1\" day|select * from t where d > now() - interval ? day",
          "select * from t where a = \"it's\" and b = \"say \"\"hi\"\"\"|select * from t where a = ? and b = ?",
          "select * from t where a = \"x\\\" y\" and b = 1|select * from t where a = ? and b = ?"
        })
    void valuePositionsAreLiterals(String sql, String expected) {
      assertThat(shape(sql)).isEqualTo(expected);
    }

    @Test
    void arithmeticAndConcatenationOperandsAreLiterals() {
      assertThat(shape("select a + \"1\", a - \"2\", a * \"3\", a / \"4\", a % \"5\", a || \"6\" from t"))
          .isEqualTo("select a + ?, a - ?, a * ?, a / ?, a % ?, a || ? from t");
    }

    @Test
    void valuesAreCountedAndHashedLikeOtherLiterals() {
      NormalizedSql n = norm("select * from t where a = \"x\" and b = 'y'");
      assertThat(n.literalCount()).isEqualTo(2);
      assertThat(n.literalHash()).isNotZero();
      assertThat(norm("select * from t where a = \"x\"").literalHash())
          .isEqualTo(norm("SELECT * FROM t WHERE a = \"x\"").literalHash())
          .isNotEqualTo(norm("select * from t where a = \"y\"").literalHash());
    }

    @Test
    void countsTheItemsOfInListsWhatEverTheyCollapseTo() {
      assertThat(norm("select * from t where id in (?, ?, ?)").listItems()).isEqualTo(3);
      assertThat(norm("select * from t where id in (?)").listItems()).isEqualTo(1);
      assertThat(norm("select * from t where id in (?, ?) and b in (?, ?, ?)").listItems()).isEqualTo(5);
      assertThat(norm("select * from t where (a, b) in ((?, ?), (?, ?))").listItems()).isEqualTo(2);
      assertThat(norm("select * from t where id = ?").listItems()).isZero();
      assertThat(norm("select * from t where id = any(?)").listItems()).isZero();
    }

    @Test
    void inListOfDoubleQuotedValuesCollapses() {
      NormalizedSql n = norm("select * from t where \"a\" in (\"x\", \"y\")");
      assertThat(n.shape()).isEqualTo("select * from t where \"a\" in (?)");
      assertThat(n.multiValued()).isTrue();
      assertThat(n.literalCount()).isEqualTo(2);
      assertThat(shape("select * from t where (a, b) in ((\"x\", \"y\"), (\"z\", \"w\"))"))
          .isEqualTo("select * from t where (a, b) in ((?, ?))");
    }

    @Test
    void multiRowInsertOfDoubleQuotedValuesCollapses() {
      NormalizedSql n = norm("insert into t (a, b) values (\"x\", 1), (\"y\", 2) on duplicate key update b = \"z\"");
      assertThat(n.shape()).isEqualTo("insert into t (a, b) values (?, ?) on duplicate key update b = ?");
      assertThat(n.literalCount()).isEqualTo(5);
    }

    @Test
    void qualifiedNamesInValuePositionsStayIdentifiers() {
      assertThat(shape("select * from t where a = \"T\".\"Col\" and b in (\"T\".\"X\", 1)"))
          .isEqualTo("select * from t where a = \"T\".\"Col\" and b in (\"T\".\"X\", ?)");
    }

    @Test
    void selectListAndColumnListsStayIdentifiers() {
      // "x" here is a column in PostgreSQL and a string in MySQL; identifier positions keep the token (see class doc).
      assertThat(shape("select \"Email\", \"x\" as \"y\" from t")).isEqualTo("select \"Email\", \"x\" as \"y\" from t");
      assertThat(shape("insert into t (\"A\", \"B\") select \"A\", \"B\" from u"))
          .isEqualTo("insert into t (\"A\", \"B\") select \"A\", \"B\" from u");
    }

    @Test
    void unterminatedValueLeaksNothing() {
      NormalizedSql n = norm("select * from t where a = \"secret and b = 1");
      assertThat(n.shape()).isEqualTo("select * from t where a = ?");
      assertThat(n.literalCount()).isEqualTo(1);
    }

    @Test
    void keywordCodesMatchTheKeywordTable() {
      int[] codes = {
        SqlNormalizer.KW_WHERE, SqlNormalizer.KW_AND, SqlNormalizer.KW_WHEN, SqlNormalizer.KW_THEN,
        SqlNormalizer.KW_ELSE, SqlNormalizer.KW_BY, SqlNormalizer.KW_BETWEEN, SqlNormalizer.KW_LIKE,
        SqlNormalizer.KW_ILIKE, SqlNormalizer.KW_DEFAULT, SqlNormalizer.KW_INTERVAL, SqlNormalizer.KW_ESCAPE,
        SqlNormalizer.KW_REGEXP, SqlNormalizer.KW_RLIKE, SqlNormalizer.KW_GLOB, SqlNormalizer.KW_PASSWORD,
        SqlNormalizer.KW_IDENTIFIED, SqlNormalizer.KW_ROW, SqlNormalizer.KW_AGAINST, SqlNormalizer.KW_COMMENT,
        SqlNormalizer.KW_IN, SqlNormalizer.KW_VALUES
      };
      String[] words = {
        "where", "and", "when", "then", "else", "by", "between", "like", "ilike", "default", "interval", "escape",
        "regexp", "rlike", "glob", "password", "identified", "row", "against", "comment", "in", "values"
      };
      for (int k = 0; k < codes.length; k++) {
        assertThat(SqlNormalizer.KEYWORDS[codes[k]]).isEqualTo(words[k]);
      }
    }
  }

  @Nested
  class OracleQuotes {
    @ParameterizedTest
    @CsvSource(
        delimiter = '|',
        quoteCharacter = '~',
        value = {
          "select * from t where a = q'[it's secret]'",
          "select * from t where a = q'{it's } secret}'",
          "select * from t where a = q'(it's ) secret)'",
          "select * from t where a = q'<it's > secret>'",
          "select * from t where a = q'!it's secret!'",
          "select * from t where a = q'#it's secret#'",
          "select * from t where a = Q'[it's secret]'",
          "select * from t where a = nq'[it's secret]'",
          "select * from t where a = NQ'^it's secret^'",
          "select * from t where a = Nq'[it's ]secret]'"
        })
    void eachDelimiterKindIsOneLiteral(String sql) {
      NormalizedSql n = norm(sql + " and b = 1");
      assertThat(n.shape()).isEqualTo("select * from t where a = ? and b = ?");
      assertThat(n.literalCount()).isEqualTo(2);
    }

    @Test
    void unterminatedQQuoteStops() {
      NormalizedSql n = norm("select * from t where a = q'[it's secret' and b = 1");
      assertThat(n.shape()).isEqualTo("select * from t where a = ?");
      assertThat(n.literalCount()).isEqualTo(1);
      assertThat(shape("select q'")).isEqualTo("select ?");
      assertThat(shape("select q'[")).isEqualTo("select ?");
    }

    @Test
    void qAsANameIsStillAWord() {
      assertThat(shape("select q, nq from t q where q.a = 'x'")).isEqualTo("select q, nq from t q where q.a = ?");
    }
  }

  @Nested
  class Backslashes {
    @ParameterizedTest
    @CsvSource(
        delimiter = '|',
        quoteCharacter = '~',
        value = {
          // PostgreSQL standard strings: the backslash is an ordinary character and the quote closes.
          "select * from t where path = 'C:\\' and x = 1|select * from t where path = ? and x = ?",
          "select 'C:\\', 1 from t|select ?, ? from t",
          "select * from t where path in ('C:\\', 'D:\\')|select * from t where path in (?)",
          "select 'C:\\'::text|select ?::text",
          // MySQL escapes: no part of the literal may leak.
          "select * from t where a = 'a\\' b' and c = 1|select * from t where a = ? and c = ?",
          "select * from t where a = 'it\\'s me' and b = 1|select * from t where a = ? and b = ?",
          "select * from t where a = 'x\\' and s3cr3t' and b = 1|select * from t where a = ? and b = ?",
          "select * from t where a = 'x\\' and s3cr3t' and b = 'y'|select * from t where a = ? and b = ?",
          "select * from t where a = 'x\\' or s3cr3t = 1' and b = 'y\\' z'|select * from t where a = ? and b = ?",
          "select * from t where a = 'x\\', s3cr3t' and b = 1|select * from t where a = ? and b = ?",
          "select * from t where a = 'x\\' -- s3cr3t' and b = 1|select * from t where a = ? and b = ?",
          "select * from t where a = 'x\\' /* s3cr3t' and b = 1|select * from t where a = ? and b = ?",
          "select * from t where a = 'x\\' #s3cr3t' and b = 1|select * from t where a = ? and b = ?",
          "select * from t where a = 'x\\'' , b = 'y'|select * from t where a = ?, b = ?",
          "select * from t where a = 'x\\'''s3cr3t' and b = 1|select * from t where a = ? and b = ?",
          "select * from t where a = 'x\\\\' and b = 'y'|select * from t where a = ? and b = ?",
          "select * from t where a = \"x\\\" and s3cr3t\" and b = 1|select * from t where a = ? and b = ?"
        })
    void backslashQuotes(String sql, String expected) {
      assertThat(shape(sql)).isEqualTo(expected);
    }

    @Test
    void eStringsAlwaysEscape() {
      assertThat(shape("select * from t where a = E'x\\' and s3cr3t' and b = 1"))
          .isEqualTo("select * from t where a = ? and b = ?");
    }

    @Test
    void whenNeitherReadingFitsTheRestIsOneLiteral() {
      // Cut input: read the PostgreSQL way 'bob is unterminated, read the MySQL way bob is outside any literal.
      NormalizedSql n = norm("select * from t where path = 'C:\\' and name = 'bob");
      assertThat(n.shape()).isEqualTo("select * from t where path = ?");
      assertThat(n.literalCount()).isEqualTo(1);
      assertThat(shape("select 'C:\\' label, 's3cr3t' from t")).isEqualTo("select ?");
    }

    @Test
    void literalCountAndHashFollowTheReadingThatFits() {
      NormalizedSql a = norm("select * from t where a = 'x\\' and s3cr3t' and b = 1");
      assertThat(a.literalCount()).isEqualTo(2);
      assertThat(a.literalHash()).isNotZero();
      assertThat(a.literalHash())
          .isNotEqualTo(norm("select * from t where a = 'x\\' and other' and b = 1").literalHash());
    }
  }

  @Nested
  class Comments {
    @Test
    void lineCommentsFold() {
      assertThat(shape("select a -- the a column\nfrom t -- trailing")).isEqualTo("select a from t");
    }

    @Test
    void blockCommentsFold() {
      assertThat(shape("select/* c */a from/**/t")).isEqualTo("select a from t");
    }

    @Test
    void blockCommentsNest() {
      assertThat(shape("select a /* outer /* inner */ still comment */ from t")).isEqualTo("select a from t");
    }

    @Test
    void hintsAreDropped() {
      assertThat(shape("SELECT /*+ INDEX(t idx_a) */ a FROM t")).isEqualTo("select a from t");
    }

    @Test
    void unterminatedBlockCommentSwallowsTheRest() {
      assertThat(shape("select a from t /* where b = 'secret'")).isEqualTo("select a from t");
    }

    @Test
    void commentAtStartDoesNotAffectKind() {
      NormalizedSql n = norm("/* app=checkout */ -- hello\n UPDATE t SET a = 1");
      assertThat(n.shape()).isEqualTo("update t set a = ?");
      assertThat(n.kind()).isEqualTo(StatementKind.UPDATE);
    }
  }

  @Nested
  class DollarQuotesAndMarkers {
    @Test
    void dollarQuotesBecomeMarkers() {
      NormalizedSql n = norm("select $$it's here$$, $fn$ body $$ nested $fn$ from t");
      assertThat(n.shape()).isEqualTo("select ?, ? from t");
      assertThat(n.literalCount()).isEqualTo(2);
    }

    @Test
    void positionalMarkersBecomeQuestionMarksAndAreNotLiterals() {
      NormalizedSql n = norm("select * from t where a = $1 and b = $23");
      assertThat(n.shape()).isEqualTo("select * from t where a = ? and b = ?");
      assertThat(n.literalCount()).isZero();
    }

    @Test
    void dollarInsideIdentifiersIsPartOfTheWord() {
      assertThat(shape("select a$b from t")).isEqualTo("select a$b from t");
    }
  }

  @Nested
  class Numbers {
    @Test
    void numberFormsAreReplaced() {
      NormalizedSql n = norm("select 1, 1.5, .5, 1e10, 1.5E-3, 0x1F, 2. from t");
      assertThat(n.shape()).isEqualTo("select ?, ?, ?, ?, ?, ?, ? from t");
      assertThat(n.literalCount()).isEqualTo(7);
    }

    @Test
    void digitsInIdentifiersAreNotNumbers() {
      assertThat(shape("select t1.col2, u1_0.id from t1")).isEqualTo("select t1.col2, u1_0.id from t1");
    }

    @ParameterizedTest
    @CsvSource(
        delimiter = '|',
        value = {
          "select -1 from t|select ? from t",
          "select * from t where a = -5|select * from t where a = ?",
          "select * from t where a=-5|select * from t where a=?",
          "select * from t where a in (-1, -2)|select * from t where a in (?)",
          "select * from t where a between -1 and -2.5|select * from t where a between ? and ?",
          "select * from t where a > -.5|select * from t where a > ?",
          "select * from t limit -1|select * from t limit ?",
          "select a-1 from t|select a-? from t",
          "select a - 1 from t|select a - ? from t",
          "select (a)-1 from t|select (a)-? from t",
          "select a -1 from t|select a -? from t"
        })
    void negativeNumbersVersusBinaryMinus(String sql, String expected) {
      assertThat(shape(sql)).isEqualTo(expected);
    }

    @Test
    void negativeSignIsPartOfTheLiteralHash() {
      assertThat(norm("select * from t where a = -5").literalHash())
          .isNotEqualTo(norm("select * from t where a = 5").literalHash());
    }

    @Test
    void castsAreKept() {
      assertThat(shape("select x::int, '5'::text, ?::jsonb from t")).isEqualTo("select x::int, ?::text, ?::jsonb from t");
    }
  }

  @Nested
  class Collapsing {
    @Test
    void inListCollapsesAndIsMultiValued() {
      NormalizedSql n = norm("select * from t where id in (1, 2, 3)");
      assertThat(n.shape()).isEqualTo("select * from t where id in (?)");
      assertThat(n.multiValued()).isTrue();
    }

    @Test
    void inListSpacingFollowsTheSource() {
      assertThat(shape("select * from t where id in(1,2)")).isEqualTo("select * from t where id in(?)");
      assertThat(shape("select * from t where id IN ( ?,?,? )")).isEqualTo("select * from t where id in (?)");
    }

    @Test
    void singleItemInListIsNotMultiValued() {
      NormalizedSql n = norm("select * from t where id in (?)");
      assertThat(n.shape()).isEqualTo("select * from t where id in (?)");
      assertThat(n.multiValued()).isFalse();
    }

    @Test
    void notInCollapses() {
      NormalizedSql n = norm("select * from t where id not in (?, ?)");
      assertThat(n.shape()).isEqualTo("select * from t where id not in (?)");
      assertThat(n.multiValued()).isTrue();
    }

    @Test
    void tupleInListCollapses() {
      NormalizedSql n = norm("select * from t where (a, b) in ((1, 2), (3, 4), (?, ?))");
      assertThat(n.shape()).isEqualTo("select * from t where (a, b) in ((?, ?))");
      assertThat(n.multiValued()).isTrue();
    }

    @Test
    void inSubqueryIsUntouched() {
      NormalizedSql n = norm("select * from t where id in (select id from u where x in (1, 2))");
      assertThat(n.shape()).isEqualTo("select * from t where id in (select id from u where x in (?))");
    }

    @Test
    void inListWithNonMarkerItemsIsKept() {
      NormalizedSql n = norm("select * from t where id in (?, a, 3)");
      assertThat(n.shape()).isEqualTo("select * from t where id in (?, a, ?)");
      assertThat(n.multiValued()).isFalse();
    }

    @Test
    void differentListLengthsGiveTheSameShape() {
      assertThat(shape("select * from t where id in (1)")).isEqualTo(shape("select * from t where id in (1,2,3,4,5,6)"));
    }

    @Test
    void anyArrayParameterIsMultiValued() {
      NormalizedSql n = norm("select * from t where id = ANY(?)");
      assertThat(n.shape()).isEqualTo("select * from t where id = any(?)");
      assertThat(n.multiValued()).isTrue();
      assertThat(norm("select * from t where id = any (?)").multiValued()).isTrue();
    }

    @Test
    void multiRowInsertCollapses() {
      NormalizedSql n = norm("INSERT INTO t (a, b) VALUES (1, 'x'), (2, 'y'), (?, ?)");
      assertThat(n.shape()).isEqualTo("insert into t (a, b) values (?, ?)");
      assertThat(n.multiValued()).isFalse();
      assertThat(n.literalCount()).isEqualTo(4);
      assertThat(n.kind()).isEqualTo(StatementKind.INSERT);
    }

    @Test
    void multiRowInsertSuffixIsKept() {
      assertThat(shape("insert into t values(1,2),(3,4) on conflict do nothing"))
          .isEqualTo("insert into t values(?, ?) on conflict do nothing");
    }

    @Test
    void valuesRowsWithExpressionsAreKept() {
      assertThat(shape("insert into t values (1, now()), (2, now())"))
          .isEqualTo("insert into t values (?, now()), (?, now())");
    }
  }

  @Nested
  class Kinds {
    @ParameterizedTest
    @CsvSource(
        delimiter = '|',
        value = {
          "select 1|SELECT",
          "(select 1) union (select 2)|SELECT",
          "values (1)|SELECT",
          "table t|SELECT",
          "insert into t values (1)|INSERT",
          "replace into t values (1)|INSERT",
          "update t set a = 1|UPDATE",
          "delete from t|DELETE",
          "merge into t using u on t.id = u.id when matched then update set a = 1|MERGE",
          "upsert into t values (1)|MERGE",
          "call p(1)|CALL",
          "{call my_proc(?, 5)}|CALL",
          "{?= call f(?)}|CALL",
          "exec p 1|CALL",
          "execute p|CALL",
          "create table t (a int)|DDL",
          "alter table t add b int|DDL",
          "drop table t|DDL",
          "truncate table t|DDL",
          "comment on table t is 'x'|DDL",
          "grant select on t to u|DDL",
          "revoke select on t from u|DDL",
          "rename table a to b|DDL",
          "set search_path to x|OTHER",
          "show tables|OTHER",
          "begin|OTHER",
          "commit|OTHER",
          "explain select 1|OTHER"
        })
    void kindFromFirstKeyword(String sql, StatementKind expected) {
      assertThat(norm(sql).kind()).isEqualTo(expected);
    }

    @Test
    void cteFollowedBySelect() {
      assertThat(norm("WITH x AS (SELECT 1), y AS (SELECT 2) SELECT * FROM x, y").kind())
          .isEqualTo(StatementKind.SELECT);
    }

    @Test
    void cteFollowedByInsertUpdateDelete() {
      assertThat(norm("with x as (select id from a) insert into b select id from x").kind())
          .isEqualTo(StatementKind.INSERT);
      assertThat(norm("with recursive x(n) as (select 1) update t set a = (select n from x)").kind())
          .isEqualTo(StatementKind.UPDATE);
      assertThat(norm("with x as (delete from a returning id) delete from b where id in (select id from x)").kind())
          .isEqualTo(StatementKind.DELETE);
    }

    @Test
    void nullAndBlankInput() {
      NormalizedSql n = norm(null);
      assertThat(n.shape()).isEmpty();
      assertThat(n.kind()).isEqualTo(StatementKind.OTHER);
      assertThat(norm("").shape()).isEmpty();
      assertThat(norm("").kind()).isEqualTo(StatementKind.OTHER);
      assertThat(norm(" \n\t ").shape()).isEmpty();
      assertThat(norm(" \n\t ").kind()).isEqualTo(StatementKind.OTHER);
    }
  }

  @Nested
  class SameShape {
    @Test
    void caseWhitespaceCommentsAndLiteralsDoNotChangeTheShape() {
      String a = "SELECT *\n  FROM users u -- by email\n WHERE u.email = 'a@x.io' AND u.age > 30 AND u.id IN (1,2)";
      String b = "select * from users u /* other */ where u.email = 'bob@y.io' and u.age > 41 and u.id in (7)";
      String c = "select   *   from USERS U where U.EMAIL = ?   and u.AGE > ? and u.id in (?, ?, ?)";
      assertThat(shape(a)).isEqualTo(shape(b));
      assertThat(shape(a)).isEqualTo(shape(c));
      assertThat(shape(a)).isEqualTo("select * from users u where u.email = ? and u.age > ? and u.id in (?)");
    }

    @Test
    void literalHashEqualForEqualLiterals() {
      NormalizedSql a = norm("select * from t where a = 'x' and b = 5");
      NormalizedSql b = norm("SELECT * FROM t /* c */ WHERE a = 'x' AND b = 5");
      assertThat(a.literalHash()).isEqualTo(b.literalHash()).isNotZero();
      assertThat(a.literalCount()).isEqualTo(2);
    }

    @Test
    void literalHashDiffersForDifferentLiterals() {
      assertThat(norm("select * from t where a = 'x'").literalHash())
          .isNotEqualTo(norm("select * from t where a = 'y'").literalHash());
    }

    @Test
    void literalHashSeparatesLiterals() {
      assertThat(norm("select 'ab', 'c'").literalHash()).isNotEqualTo(norm("select 'a', 'bc'").literalHash());
      assertThat(norm("select 12, 3").literalHash()).isNotEqualTo(norm("select 1, 23").literalHash());
    }

    @Test
    void literalHashIsZeroWithoutLiterals() {
      NormalizedSql n = norm("select a from t where b = ? and c = $1");
      assertThat(n.literalHash()).isZero();
      assertThat(n.literalCount()).isZero();
    }
  }

  @Nested
  class Robustness {
    @Test
    void unterminatedStringBecomesMarkerAndStops() {
      NormalizedSql n = norm("select * from t where a = 'secret and b = 5");
      assertThat(n.shape()).isEqualTo("select * from t where a = ?");
      assertThat(n.literalCount()).isEqualTo(1);
    }

    @Test
    void unterminatedEStringWithTrailingBackslash() {
      assertThat(shape("select E'abc\\")).isEqualTo("select ?");
    }

    @Test
    void unterminatedDollarQuoteBecomesMarkerAndStops() {
      assertThat(shape("select $tag$ secret 42 $tagx")).isEqualTo("select ?");
      assertThat(shape("select $$ secret")).isEqualTo("select ?");
    }

    @Test
    void unterminatedQuotedIdentifierLeaksNothing() {
      assertThat(shape("select \"abc from t where a = 'secret'")).isEqualTo("select ?");
    }

    @Test
    void loneDollarAndTagWithoutClosingDollarAreKept() {
      assertThat(shape("select $ from t")).isEqualTo("select $ from t");
      assertThat(shape("select $abc from t")).isEqualTo("select $abc from t");
    }

    @Test
    void oneMegabyteStatementIsTruncated() {
      StringBuilder sb = new StringBuilder("select * from t where id in (");
      while (sb.length() < 1_000_000) {
        sb.append("98765432,");
      }
      sb.append("1)");
      NormalizedSql n = norm(sb.toString());
      assertThat(n.truncated()).isTrue();
      assertThat(n.shape()).startsWith("select * from t where id in (?, ?").endsWith(" ...");
      assertThat(n.shape().length()).isLessThanOrEqualTo(SqlNormalizer.DEFAULT_MAX_LENGTH + 4);
      assertThat(n.shape()).doesNotContain("98765432");
    }

    @Test
    void shapeNeverExceedsTheCapEvenWhenCommaSpacingGrowsIt() {
      SqlNormalizer small = new SqlNormalizer(100);
      String sql = "select " + "1,".repeat(49) + "1";
      assertThat(sql.length()).isLessThanOrEqualTo(106);
      NormalizedSql n = small.normalize(sql);
      assertThat(n.shape().length()).isLessThanOrEqualTo(104);
      assertThat(n.shape()).endsWith(" ...");
      assertThat(n.truncated()).isTrue();
    }

    @Test
    void shortInputIsNotTruncated() {
      NormalizedSql n = new SqlNormalizer(100).normalize("select 1");
      assertThat(n.truncated()).isFalse();
      assertThat(n.shape()).isEqualTo("select ?");
    }

    @Test
    void invalidMaxLengthIsRejected() {
      assertThatThrownBy(() -> new SqlNormalizer(0)).isInstanceOf(IllegalArgumentException.class);
    }

    private static final String SECRET_STRING = "'s3cr3t-value'";
    private static final String SECRET_NUMBER = "98765432";

    /** Noise that is lexically closed wherever it lands, so it cannot flip quoting around the secret. */
    private static final String[] CLOSED_NOISE = {
      "select", "SELECT", " from ", "t1", "u1_0.id", "(", ")", ",", " in ", " IN (", "values", "VALUES (", "=", "-",
      "-1", "--", "/*", "*/", "/* c */", "#", "::", "?", "$", "$$", "$1", "$tag$", " $q$ body $q$", "{", "}", "{call ",
      ";", "0x", "0x1F", "1e", "1.5E-3", ".", ".5", "e", "E", "N", "U&", "x", "\\", " 'it''s'", " 'x'", " ''",
      " E'a\\'b'", " \"Ident\"", " `Id`", " ", "\n", "\t", "\r", "\u0000", "\u0001", "\u001f", "\u007f", "\u00a0",
      "42", "7", "any(", " and ", " or ", " not ", " with x as (", " limit ", " offset ", "ÄÖ", "\uD835\uDC00"
    };

    /** Unterminated openers: placed only at the end, since they swallow everything after them. */
    private static final String[] TAILS = {"", "", "'abc", "\"abc", "`abc", "/* abc", "$$ abc", "$t$ abc", "E'a\\"};

    @Test
    void randomInputNeverThrowsAndNeverLeaksASecretLiteral() {
      Random random = new Random(20240601L);
      for (int iteration = 0; iteration < 12_000; iteration++) {
        StringBuilder sb = new StringBuilder();
        int pieces = random.nextInt(30);
        int secretAt = random.nextInt(pieces + 1);
        boolean numberSecret = random.nextBoolean();
        for (int p = 0; p <= pieces; p++) {
          if (p == secretAt) {
            sb.append(numberSecret ? " " + SECRET_NUMBER + " " : SECRET_STRING);
          }
          if (p < pieces) {
            if (random.nextInt(5) == 0) {
              appendRandomChars(random, sb, false);
            } else {
              sb.append(CLOSED_NOISE[random.nextInt(CLOSED_NOISE.length)]);
            }
          }
        }
        sb.append(TAILS[random.nextInt(TAILS.length)]);
        String sql = sb.toString();
        NormalizedSql n = normalizer.normalize(sql);
        assertThat(n).as(sql).isNotNull();
        assertThat(n.kind()).as(sql).isNotNull();
        assertThat(n.shape()).as(sql).doesNotContain("s3cr3t").doesNotContain(SECRET_NUMBER);
      }
    }

    @Test
    void randomGarbageNeverThrows() {
      Random random = new Random(7L);
      SqlNormalizer small = new SqlNormalizer(64);
      for (int iteration = 0; iteration < 10_000; iteration++) {
        StringBuilder sb = new StringBuilder();
        int pieces = random.nextInt(40);
        for (int p = 0; p < pieces; p++) {
          if (random.nextBoolean()) {
            appendRandomChars(random, sb, true);
          } else {
            sb.append(CLOSED_NOISE[random.nextInt(CLOSED_NOISE.length)]);
          }
        }
        String sql = sb.toString();
        for (SqlNormalizer nz : new SqlNormalizer[] {normalizer, small}) {
          NormalizedSql n = nz.normalize(sql);
          assertThat(n.shape()).as(sql).isNotNull();
          assertThat(n.kind()).as(sql).isNotNull();
          assertThat(n.literalCount()).as(sql).isNotNegative();
          assertThat(n.literalHash() == 0).as(sql).isEqualTo(n.literalCount() == 0);
          assertThat(n.shape()).as(sql).isNotEqualTo(SqlNormalizer.UNREADABLE_SHAPE);
        }
        assertThat(small.normalize(sql).shape().length()).as(sql).isLessThanOrEqualTo(64 + 4);
      }
    }

    /** Pieces of secret values: the marker, quotes, backslashes and text that looks like SQL. */
    private static final String[] SECRET_PIECES = {
      "s3cr3t", "s3cr3t", " ", "'", "'", "\"", "\"", "\\", " and ", " or ", ", ", ",", ")", "(", " -- ", "--", "/*",
      "*/", "#", " = ", "=", ".", "it", "s", " 1", "1", ";", "$$", "`", "e", "E", "?", "\n", "[", "]", "{", "}", "<",
      ">", "!", "%", "_", " x ", "q'[", "]'", "::", " like ", " from t", " is ", "C:", "\\\\", "''", "\\'"
    };

    /** MySQL-style statements; each {} is a value position. */
    private static final String[] MYSQL_TEMPLATES = {
      "select * from users where email = {}",
      "SELECT `id`, `name` FROM `users` WHERE `email` = {} AND `status` <> {} LIMIT 10, 20",
      "update users set name = {}, note={} where id = 42",
      "insert into t (a, b) values ({}, {})",
      "INSERT INTO t (a, b) VALUES ({}, {}), ({}, {}) ON DUPLICATE KEY UPDATE b = {}",
      "insert into t values (now(), {}, 1)",
      "select * from t where a in ({}, {}, {}) and b = 1",
      "select * from t where a not in ({}) and b like {} escape '!'",
      "select * from t where d between {} and {} and e = 1",
      "select case when a = {} then {} else {} end from t",
      "select * from t where a != {} or b >= {} or c < {}",
      "select * from t where a = {} -- trailing comment",
      "select /*+ hint */ * from t where a = {} and b = {} /* end */",
      "select * from t where a || b = {} or c + {} > 2",
      "select * from t where a = {}\n and b = {}\n order by c desc",
      "delete from t where a = {}; delete from u where b = {}",
      "select * from t where x = {} and y = ? and z = $1",
      "select * from t where match(a) against ({} in boolean mode)",
      "select * from t where a regexp {} or b like {}",
      "select * from t where (a, b) in (({}, {}), ({}, {}))",
      "create user u identified by {}",
      "select * from `t` where `a`={} and `b`={}"
    };

    private static final String[][] Q_DELIMITERS = {
      {"[", "]"}, {"{", "}"}, {"(", ")"}, {"<", ">"}, {"!", "!"}, {"#", "#"}, {"|", "|"}, {"~", "~"}
    };
    private static final String[] Q_PREFIXES = {"q", "Q", "nq", "NQ", "Nq"};

    @Test
    void mysqlStyleSecretsInValuePositionsNeverLeak() {
      Random random = new Random(20240917L);
      int statements = 0;
      for (int iteration = 0; iteration < 8_000; iteration++) {
        String template = MYSQL_TEMPLATES[random.nextInt(MYSQL_TEMPLATES.length)];
        StringBuilder sql = new StringBuilder();
        int from = 0;
        for (int at = template.indexOf("{}"); at >= 0; at = template.indexOf("{}", from)) {
          sql.append(template, from, at);
          appendSecretLiteral(random, sql);
          from = at + 2;
        }
        sql.append(template, from, template.length());
        NormalizedSql n = normalizer.normalize(sql.toString());
        assertThat(n.shape()).as(sql.toString()).doesNotContain("s3cr3t").doesNotContain("3cr3");
        assertThat(n.literalCount()).as(sql.toString()).isPositive();
        statements++;
      }
      assertThat(statements).isGreaterThanOrEqualTo(5_000);
    }

    /** Appends one literal holding a secret, written as MySQL or Oracle would: '...', "..." or q'[...]'. */
    private void appendSecretLiteral(Random random, StringBuilder sb) {
      StringBuilder value = new StringBuilder();
      int pieces = random.nextInt(7);
      int secretAt = random.nextInt(pieces + 1);
      for (int p = 0; p <= pieces; p++) {
        if (p == secretAt) {
          value.append("s3cr3t");
        }
        if (p < pieces) {
          value.append(SECRET_PIECES[random.nextInt(SECRET_PIECES.length)]);
        }
      }
      int kind = random.nextInt(7);
      if (kind == 6) {
        String[] delimiter = Q_DELIMITERS[random.nextInt(Q_DELIMITERS.length)];
        if (value.indexOf(delimiter[1] + "'") < 0) {
          sb.append(Q_PREFIXES[random.nextInt(Q_PREFIXES.length)]).append('\'').append(delimiter[0]).append(value)
              .append(delimiter[1]).append('\'');
          return;
        }
        kind = 0; // the value holds the closing delimiter: write it as a plain string instead
      }
      char quote = kind < 3 ? '\'' : '"';
      if (kind == 2) {
        sb.append(random.nextBoolean() ? "_utf8mb4" : "N");
      }
      sb.append(quote);
      for (int k = 0; k < value.length(); k++) {
        char c = value.charAt(k);
        if (c == '\\') {
          sb.append("\\\\");
        } else if (c == quote) {
          sb.append(random.nextBoolean() ? "\\" : String.valueOf(quote)).append(quote);
        } else {
          sb.append(c);
        }
      }
      sb.append(quote);
    }

    /** Appends a few random characters: ASCII punctuation, digits, control chars, any code point, lone surrogates. */
    private void appendRandomChars(Random random, StringBuilder sb, boolean quotesAllowed) {
      int count = 1 + random.nextInt(4);
      for (int k = 0; k < count; k++) {
        char c;
        switch (random.nextInt(5)) {
          case 0:
            c = (char) (0x20 + random.nextInt(0x5f)); // printable ASCII
            break;
          case 1:
            c = (char) random.nextInt(0x20); // control
            break;
          case 2:
            c = (char) (0xd800 + random.nextInt(0x800)); // lone surrogate
            break;
          case 3:
            c = (char) ('0' + random.nextInt(10));
            break;
          default:
            int cp = random.nextInt(Character.MAX_CODE_POINT + 1);
            if (Character.isBmpCodePoint(cp)) {
              c = (char) cp;
            } else {
              sb.appendCodePoint(cp);
              continue;
            }
        }
        if (!quotesAllowed && (c == '\'' || c == '"' || c == '`')) {
          c = ' ';
        }
        sb.append(c);
      }
    }
  }
}
