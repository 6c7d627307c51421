package io.querylens.benchmarks;

import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.OneToMany;
import jakarta.persistence.Table;
import java.util.ArrayList;
import java.util.List;

/** An author with a lazy collection of books, for the Hibernate benchmark. */
@Entity
@Table(name = "bench_authors")
public class BenchAuthor {
  @Id
  private Long id;

  private String name;

  @OneToMany(mappedBy = "author")
  private List<BenchBook> books = new ArrayList<>();

  public String getName() {
    return name;
  }

  public List<BenchBook> getBooks() {
    return books;
  }
}
