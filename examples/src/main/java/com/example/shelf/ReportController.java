package com.example.shelf;

import java.math.BigDecimal;
import java.util.List;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

@RestController
public class ReportController {

  private final JdbcTemplate jdbc;

  ReportController(JdbcTemplate jdbc) {
    this.jdbc = jdbc;
  }

  /** The slow query: groups all 300,000 orders by customer on every call, for ten rows. */
  @GetMapping("/reports/top-customers")
  List<CustomerTotal> topCustomers(@RequestParam(name = "minAmount", defaultValue = "0") int minAmount) {
    return jdbc.query(
        "select customer_email, count(*), sum(amount) from orders where amount > ? "
            + "group by customer_email order by sum(amount) desc limit 10",
        (row, index) -> new CustomerTotal(row.getString(1), row.getLong(2), row.getBigDecimal(3)),
        minAmount);
  }

  record CustomerTotal(String customer, long orders, BigDecimal total) {}
}
