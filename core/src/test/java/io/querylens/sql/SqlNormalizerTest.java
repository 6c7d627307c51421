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
