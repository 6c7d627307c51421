package com.example.shelf;

import org.springframework.boot.ApplicationArguments;
import org.springframework.boot.ApplicationRunner;
import org.springframework.core.annotation.Order;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

/** Fills the database: 50 authors with 3 books each, and 300,000 orders generated in the database. */
@Component
@Order(1)
class CatalogSeeder implements ApplicationRunner {

  static final int AUTHORS = 50;
  static final int ORDERS = 300_000;
  private static final int ORDERS_PER_STATEMENT = 1_000;

  private final JdbcTemplate jdbc;

  CatalogSeeder(JdbcTemplate jdbc) {
    this.jdbc = jdbc;
  }

  @Override
  public void run(ApplicationArguments args) {
    jdbc.batchUpdate("insert into authors (id, name) values (?, ?)",
        java.util.stream.IntStream.rangeClosed(1, AUTHORS)
            .mapToObj(i -> new Object[] {i, "Author " + i}).toList());
    jdbc.batchUpdate("insert into books (id, title, author_id) values (?, ?, ?)",
        java.util.stream.IntStream.rangeClosed(1, AUTHORS * 3)
            .mapToObj(i -> new Object[] {i, "Book " + i, (i - 1) / 3 + 1}).toList());
    jdbc.execute("create table orders (id bigint primary key, book_id bigint not null, "
        + "customer_email varchar(100) not null, amount decimal(10, 2) not null)");
    for (int first = 1; first <= ORDERS; first += ORDERS_PER_STATEMENT) {
      jdbc.update("insert into orders select x, mod(x, ?) + 1, concat('customer', mod(x, 5000), '@example.com'), "
          + "mod(x, 97) + 0.99 from system_range(?, ?)", AUTHORS * 3, first, first + ORDERS_PER_STATEMENT - 1);
    }
  }
}
