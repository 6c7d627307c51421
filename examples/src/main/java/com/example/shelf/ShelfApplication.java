package com.example.shelf;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

/**
 * A small bookshop: authors, books, orders. Two endpoints carry the classic mistakes querylens is for:
 * {@code GET /authors} loads every author's books lazily, one select per author (an N+1), and
 * {@code GET /reports/top-customers} groups all 300,000 orders on every call (a slow query).
 * {@code GET /authors/fixed} is the N+1 done right.
 *
 * <p>Started without arguments it seeds its database, calls its own endpoints once ({@link DemoRun}) and exits.
 * With {@code --serve} it keeps serving (add {@code --server.port=8080} for a fixed port) for your own requests.
 */
@SpringBootApplication
public class ShelfApplication {

  public static void main(String[] args) {
    SpringApplication.run(ShelfApplication.class, args);
  }
}
