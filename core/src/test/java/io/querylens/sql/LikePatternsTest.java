package io.querylens.sql;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class LikePatternsTest {

  private static final long SECOND_AND_THIRD = (1L << 2) | (1L << 3);

  @Test
  void aBoundParameterCountsOnlyWhereItIsALikePattern() {
    String sql = "select a from t where b = ? and c like ? and d ilike ?";
    assertThat(LikePatterns.leadingWildcard(sql, 1L << 2)).isTrue();
    assertThat(LikePatterns.leadingWildcard(sql, 1L << 3)).isTrue();
    assertThat(LikePatterns.leadingWildcard(sql, 1L << 1)).isFalse();
    assertThat(LikePatterns.leadingWildcard("select a from t where c LIKE?", 1L << 1)).isTrue();
    assertThat(LikePatterns.leadingWildcard("select a from t where c = 'like ?' and d like ?", 1L << 1)).isTrue();
    assertThat(LikePatterns.leadingWildcard("select a from t where c = 'like ?' and d like ?", 1L << 2)).isFalse();
    assertThat(LikePatterns.leadingWildcard("select a from t where c unlike ? and likely = ?", SECOND_AND_THIRD | 2))
        .isFalse();
    assertThat(LikePatterns.leadingWildcard("select a from t where lower(c) like lower(?)", 1L << 1)).isTrue();
    assertThat(LikePatterns.leadingWildcard("", -1L)).isFalse();
  }

  @Test
  void literalPatternsAreReadFromTheStatement() {
    assertThat(LikePatterns.leadingWildcard("select a from t where c like '%son'", 0)).isTrue();
    assertThat(LikePatterns.leadingWildcard("select a from t where c like '_on%'", 0)).isTrue();
    assertThat(LikePatterns.leadingWildcard("select a from t where c like N'%son'", 0)).isTrue();
    assertThat(LikePatterns.leadingWildcard("select a from t where c like '%' || ?", 0)).isTrue();
    assertThat(LikePatterns.leadingWildcard("select a from t where c like concat('%', ?, '%')", 0)).isTrue();
    assertThat(LikePatterns.leadingWildcard("select a from t where c like 'son%'", 0)).isFalse();
    assertThat(LikePatterns.leadingWildcard("select a from t where c = '%son' and d like ?", 0)).isFalse();
    assertThat(LikePatterns.leadingWildcard("select a from t where c like ? || '%'", 0)).isFalse();
  }

  @Test
  void literalPatternsWithAFixedPrefixNameTheirColumns() {
    assertThat(LikePatterns.prefixPatternColumns("select a from t where t.name like 'abc%' and \"Code\" like 'x' "
        + "and b like '%son' and c not like 'abc%' and d ilike 'abc%' and e like ? and lower(f) like 'abc%' "
        + "and g like ''")).containsExactly("name", "code");
  }

  @Test
  void columnsComparedThroughLowerOrUpperAreIndexableExpressions() {
    assertThat(IndexableExpressions.in("select a from t where lower(t.email) = ? and upper(\"Code\") in (?, ?) "
        + "and lower(b) <> ? and lower(c) like ? and lower(d || e) = ? and trim(f) = ? and x.lower(g) = ? "
        + "and upper(h) between ? and ? and lower(i) >= ?"))
        .containsExactly(java.util.Map.entry("email", "lower"), java.util.Map.entry("code", "upper"),
            java.util.Map.entry("h", "upper"), java.util.Map.entry("i", "lower"));
  }
}
