package com.example.shelf;

import java.math.BigDecimal;
import java.util.List;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

@RestController
public class OrderController {

  private final JdbcTemplate jdbc;

  OrderController(JdbcTemplate jdbc) {
    this.jdbc = jdbc;
  }

  /** The missing index: a customer's orders, found by reading all 300,000 orders (customer_email has no index). */
  @GetMapping("/orders")
  List<CustomerOrder> ordersOf(@RequestParam("customer") String customer) {
    return jdbc.query("select id, book_id, amount from orders where customer_email = ?",
        (row, index) -> new CustomerOrder(row.getLong(1), row.getLong(2), row.getBigDecimal(3)), customer);
  }

  record CustomerOrder(long id, long bookId, BigDecimal amount) {}
}
