package com.example.shop.library;

import java.util.ArrayList;
import java.util.List;
import org.hibernate.Session;

/** Reads through Hibernate the ways applications do, with and without N+1. */
public final class LibraryService {

  private final Session session;

  public LibraryService(Session session) {
    this.session = session;
  }

  /** Lazy @OneToMany touched in a loop: one select of books per author. */
  public List<String> bookCountsLazily() {
    List<String> lines = new ArrayList<>();
    for (Author author : session.createSelectionQuery("from Author order by id", Author.class).list()) {
      lines.add(author.getName() + " wrote " + author.getBooks().size());
    }
    return lines;
  }

  /** The same with join fetch: one query. */
  public List<String> bookCountsJoinFetched() {
    List<String> lines = new ArrayList<>();
    for (Author author : session.createSelectionQuery(
        "select distinct a from Author a left join fetch a.books order by a.id", Author.class).list()) {
      lines.add(author.getName() + " wrote " + author.getBooks().size());
    }
    return lines;
  }

  /** Lazy @ManyToOne proxies touched in a loop: one select per distinct publisher. */
  public List<String> publishersLazily() {
    List<String> lines = new ArrayList<>();
    for (Book book : session.createSelectionQuery("from Book order by id", Book.class).list()) {
      lines.add(book.getTitle() + " by " + book.getPublisher().getName());
    }
    return lines;
  }
}
