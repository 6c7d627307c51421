package com.example.shelf;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RestController;

/**
 * The chatty request: an author's overview page asks thirteen small questions for each of its four sections, 52
 * statements per page. No single pattern is big enough to be an N+1 or a repeated query; together they are the page's
 * database cost. The fix is one grouped query per section (or one for the page).
 */
@RestController
public class AuthorOverviewController {

  private static final List<String> QUESTIONS = List.of(
      "select name from authors where id = ?",
      "select count(*) from books where author_id = ?",
      "select min(title) from books where author_id = ?",
      "select max(title) from books where author_id = ?",
      "select count(*) from books where author_id <> ?",
      "select min(id) from books where author_id = ?",
      "select max(id) from books where author_id = ?",
      "select count(distinct title) from books where author_id = ?",
      "select title from books where author_id = ? order by title limit 1",
      "select title from books where author_id = ? order by id desc limit 1",
      "select count(*) from authors where id < ?",
      "select count(*) from authors where id > ?",
      "select name from authors where id = ? + 1");

  private static final List<String> SECTIONS = List.of("latest", "popular", "classics", "recommended");

  private final JdbcTemplate jdbc;

  AuthorOverviewController(JdbcTemplate jdbc) {
    this.jdbc = jdbc;
  }

  @GetMapping("/authors/{authorId}/overview")
  Map<String, List<String>> overview(@PathVariable("authorId") long authorId) {
    Map<String, List<String>> page = new LinkedHashMap<>();
    for (int section = 0; section < SECTIONS.size(); section++) {
      List<String> answers = new ArrayList<>();
      for (String question : QUESTIONS) {
        answers.add(String.valueOf(jdbc.queryForList(question, authorId + section).stream().findFirst()
            .map(row -> row.values().iterator().next()).orElse(null)));
      }
      page.put(SECTIONS.get(section), answers);
    }
    return page;
  }
}
