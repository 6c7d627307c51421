package io.querylens.benchmarks;

import jakarta.persistence.Entity;
import jakarta.persistence.FetchType;
import jakarta.persistence.Id;
import jakarta.persistence.ManyToOne;
import jakarta.persistence.Table;

/** A book, for the Hibernate benchmark. */
@Entity
@Table(name = "bench_books")
public class BenchBook {
  @Id
  private Long id;

  private String title;

  @ManyToOne(fetch = FetchType.LAZY)
  private BenchAuthor author;

  public String getTitle() {
    return title;
  }
}
