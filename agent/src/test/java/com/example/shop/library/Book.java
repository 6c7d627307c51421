package com.example.shop.library;

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

  @ManyToOne(fetch = FetchType.LAZY)
  private Publisher publisher;

  protected Book() {}

  public Book(long id, String title, Author author, Publisher publisher) {
    this.id = id;
    this.title = title;
    this.author = author;
    this.publisher = publisher;
  }

  public String getTitle() {
    return title;
  }

  public Author getAuthor() {
    return author;
  }

  public Publisher getPublisher() {
    return publisher;
  }
}
