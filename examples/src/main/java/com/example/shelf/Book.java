package com.example.shelf;

import jakarta.persistence.Entity;
import jakarta.persistence.FetchType;
import jakarta.persistence.Id;
import jakarta.persistence.ManyToOne;
import jakarta.persistence.Table;

@Entity
@Table(name = "books")
public class Book {
  @Id
  private Long id;

  private String title;

  @ManyToOne(fetch = FetchType.LAZY)
  private Author author;

  protected Book() {}

  Book(long id, String title, Author author) {
    this.id = id;
    this.title = title;
    this.author = author;
  }

  public String getTitle() {
    return title;
  }
}
