package com.example.shelf;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.querylens.QueryLens;
import io.querylens.capture.CaptureScope;
import io.querylens.capture.QueryCapture;
import io.querylens.junit.ExpectSelects;
import io.querylens.junit.NoNPlusOne;
import io.querylens.junit.NoRepeatedSelects;
import io.querylens.junit.QueryLensTest;
import io.querylens.junit.Relax;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.annotation.Import;
import org.springframework.web.client.RestClient;

/**
 * The bookshop's data access checked in its tests, the way a team would: a real HTTP call to the running service, the
 * statements its request thread runs captured ({@code ALL_THREADS}), and rules on the class, relaxed with a reason
 * where the N+1 is there on purpose. The build runs this class once per feed: the agent, {@code QueryLens.wrap},
 * p6spy, and all three at once ({@link QueryLensFeed}); the results must not differ.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, args = "--serve")
@Import(QueryLensFeed.class)
@QueryLensTest(scope = CaptureScope.ALL_THREADS)
@NoNPlusOne
class ShelfQueriesFeedIT {

  @Autowired
  private WebServerApplicationContext context;

  private RestClient client;

  @BeforeEach
  void client() {
    client = RestClient.create("http://localhost:" + context.getWebServer().getPort());
  }

  @Test
  void runsTheFeedItWasToldTo() {
    assertThat(QueryLens.agentAttached()).isEqualTo(QueryLensFeed.feed().equals("agent")
        || QueryLensFeed.feed().equals("all"));
  }

  @Test
  @ExpectSelects(1)
  void theFixedAuthorsPageLoadsAuthorsAndBooksInOneSelect() {
    assertThat(client.get().uri("/authors/fixed").retrieve().body(String.class)).contains("\"books\":");
  }

  @Test
  @Relax(value = NoNPlusOne.class, reason = "the demo's seeded N+1; asserted below instead")
  void theAuthorsPageLoadsEachAuthorsBooksWithItsOwnSelect(QueryCapture capture) {
    client.get().uri("/authors").retrieve().body(String.class);

    assertThatThrownBy(() -> capture.assertThat().noNPlusOne())
        .hasMessageStartingWith("Expected no N+1, found 1:\n  50 x [select b1_0.author_id, b1_0.id, b1_0.title from "
            + "books b1_0 where b1_0.author_id=?] at com.example.shelf.AuthorController.lambda$authors$0("
            + "AuthorController.java:")
        .hasMessageContaining("Fix: Each access to a lazy collection loaded it with its own select.")
        .hasMessageContaining("Statements in ShelfQueriesFeedIT.theAuthorsPageLoadsEachAuthorsBooksWithItsOwnSelect"
            + " (51):");
  }

  @Test
  @ExpectSelects(1)
  @NoRepeatedSelects
  void theReportRunsOneSelect() {
    client.get().uri("/reports/top-customers?minAmount={amount}", 5).retrieve().body(String.class);
  }

  @Test
  void knowsTheRowsEachQueryReturned(QueryCapture capture) {
    client.get().uri("/orders?customer={email}", "customer1@example.com").retrieve().body(String.class);

    assertThat(capture.statements()).filteredOn(statement -> statement.sql().startsWith("select id, book_id, amount"))
        .singleElement().satisfies(statement -> assertThat(statement.rows()).isEqualTo(60));
    capture.assertThat().maxRows(60);
  }

  @Test
  void aCaptureOfTheTestsOwnThreadSeesNothingOfTheRequestThread() {
    try (QueryCapture mine = QueryLens.capture("mine", CaptureScope.THIS_THREAD)) {
      client.get().uri("/authors/fixed").retrieve().body(String.class);
      mine.assertThat().statements().none();
    }
  }
}
