package io.querylens.record;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class UnitNamesTest {

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "GET    | /users/42/orders?x=1                                | GET /users/{id}/orders",
      "GET    | /users/42/orders                                    | GET /users/{id}/orders",
      "POST   | /orders/123e4567-e89b-12d3-a456-426614174000/items  | POST /orders/{id}/items",
      "GET    | /users/jane.doe@example.com/profile                 | GET /users/{id}/profile",
      "GET    | /users/jane%40example.com                           | GET /users/{id}",
      "GET    | /cart;jsessionid=9A1B2C3D4E5F                       | GET /cart",
      "GET    | /reset-password/eyJhbGciOiJIUzI1NiJ9xyz             | GET /reset-password/{id}",
      "GET    | /products/blue-shirt-12345678                       | GET /products/{id}",
      "GET    | /products/blue-shirt                                | GET /products/blue-shirt",
      "GET    | /a/bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb/c        | GET /a/{id}/c",
      "GET    | /files/0123456789abcdef0123                         | GET /files/{id}",
      "GET    | /files/abcdef                                       | GET /files/abcdef",
      "GET    | /api/v2/feed                                        | GET /api/v2/feed",
      "DELETE | /carts/7/items/9/                                   | DELETE /carts/{id}/items/{id}/",
      "GET    | /                                                   | GET /",
      "GET    | /search?q=secret@example.com                        | GET /search",
  })
  void idsArePlaceholdersAndTheQueryStringIsDropped(String method, String uri, String name) {
    assertThat(UnitNames.request(method, uri)).isEqualTo(name);
  }

  @Test
  void aRouteTemplateNamesTheRequestUnderItsContextPath() {
    assertThat(UnitNames.route("GET", "", "/owners/{ownerId}")).isEqualTo("GET /owners/{ownerId}");
    assertThat(UnitNames.route("GET", "/", "/owners/{ownerId}")).isEqualTo("GET /owners/{ownerId}");
    assertThat(UnitNames.route("POST", "/clinic", "/owners")).isEqualTo("POST /clinic/owners");
    assertThat(UnitNames.route("", null, "/x" + "/y".repeat(200))).startsWith("? /x/y").endsWith("...")
        .hasSize(2 + 200 + 3);
  }

  @Test
  void missingMethodOrUri() {
    assertThat(UnitNames.request(null, "/x/1")).isEqualTo("? /x/{id}");
    assertThat(UnitNames.request("GET", null)).isEqualTo("GET /");
  }

  @Test
  void longPathsAreCut() {
    String uri = "/reports/" + "section/".repeat(60) + "end";

    String name = UnitNames.request("GET", uri);

    assertThat(name).startsWith("GET /reports/section/section/").endsWith("...");
    assertThat(name.length()).isLessThanOrEqualTo("GET ".length() + 200 + "...".length());
  }

  @Test
  void cuttingALongPathLeaksNoPartOfAnId() {
    String prefix = "/" + "section/".repeat(24) + "xx";
    String cutInsideNumber = prefix + "/9876543210/detail";
    String shorterPrefix = prefix.substring(0, prefix.length() - 10);
    String cutInsideUuid = shorterPrefix + "/123e4567-e89b-12d3-a456-426614174000/detail";

    assertThat(UnitNames.request("GET", cutInsideNumber)).isEqualTo("GET " + prefix + "/{id}...");
    assertThat(UnitNames.request("GET", cutInsideUuid))
        .as("folded first, the name fits and is not cut")
        .isEqualTo("GET " + shorterPrefix + "/{id}/detail");
    assertThat(UnitNames.request("GET", prefix + "/1111111111/detail"))
        .as("one endpoint, one name")
        .isEqualTo(UnitNames.request("GET", prefix + "/2222222222/detail"));
  }
}
