package com.example.shop.library;

import com.zaxxer.hikari.HikariDataSource;
import java.util.List;
import org.hibernate.SessionFactory;
import org.hibernate.cfg.Configuration;

/**
 * Hibernate 7 over HikariCP. Scenarios: {@code lazy-collection}, {@code lazy-to-one}, {@code join-fetch},
 * {@code batch-fetch} (hibernate.default_batch_fetch_size=16).
 */
public final class HibernateApp {

  private static final int AUTHORS = 200;
  private static final int PUBLISHERS = 12;

  public static void main(String[] args) throws Exception {
    String scenario = args[0];
    String database = System.getProperty("scenario.db", "h2");
    try (HikariDataSource dataSource = new HikariDataSource()) {
      dataSource.setJdbcUrl(database.equals("h2") ? "jdbc:h2:mem:library;DB_CLOSE_DELAY=-1" : database);
      dataSource.setMaximumPoolSize(4);
      Configuration configuration = new Configuration()
          .addAnnotatedClass(Author.class)
          .addAnnotatedClass(Book.class)
          .addAnnotatedClass(Publisher.class)
          .setProperty("hibernate.hbm2ddl.auto", "create-drop")
          // The seeding writes in JDBC batches, as it should: querylens reports unbatched writes otherwise.
          .setProperty("hibernate.jdbc.batch_size", "50")
          .setProperty("hibernate.order_inserts", "true");
      configuration.getProperties().put("hibernate.connection.datasource", dataSource);
      if (scenario.equals("batch-fetch")) {
        configuration.setProperty("hibernate.default_batch_fetch_size", "16");
      }
      try (SessionFactory sessions = configuration.buildSessionFactory()) {
        seed(sessions);
        List<String> lines = sessions.fromTransaction(session -> {
          LibraryService library = new LibraryService(session);
          return switch (scenario) {
            case "lazy-collection", "batch-fetch" -> library.bookCountsLazily();
            case "lazy-to-one" -> library.publishersLazily();
            case "join-fetch" -> library.bookCountsJoinFetched();
            default -> throw new IllegalArgumentException(scenario);
          };
        });
        lines.forEach(System.out::println);
      }
    }
  }

  private static void seed(SessionFactory sessions) {
    sessions.inTransaction(session -> {
      Publisher[] publishers = new Publisher[PUBLISHERS];
      for (int p = 0; p < PUBLISHERS; p++) {
        publishers[p] = new Publisher(p + 1, "publisher-" + (p + 1));
        session.persist(publishers[p]);
      }
      long bookId = 1;
      for (int a = 1; a <= AUTHORS; a++) {
        Author author = new Author(a, "author-" + a);
        session.persist(author);
        for (int b = 0; b < 2; b++) {
          session.persist(new Book(bookId, "book-" + bookId, author, publishers[(int) (bookId % PUBLISHERS)]));
          bookId++;
        }
      }
    });
  }

}
