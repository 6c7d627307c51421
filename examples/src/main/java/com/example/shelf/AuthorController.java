package com.example.shelf;

import java.util.List;
import org.springframework.data.domain.Sort;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

@RestController
public class AuthorController {

  private final AuthorRepository authors;

  AuthorController(AuthorRepository authors) {
    this.authors = authors;
  }

  /** The N+1: {@code getBooks()} is a lazy collection, loaded by its own select for every author. */
  @GetMapping("/authors")
  List<AuthorSummary> authors() {
    return authors.findAll(Sort.by("id")).stream()
        .map(author -> new AuthorSummary(author.getName(), author.getBooks().size()))
        .toList();
  }

  /** The fix: one query with join fetch. */
  @GetMapping("/authors/fixed")
  List<AuthorSummary> authorsFixed() {
    return authors.findAllWithBooks().stream()
        .map(author -> new AuthorSummary(author.getName(), author.getBooks().size()))
        .toList();
  }

  record AuthorSummary(String name, int books) {}
}
