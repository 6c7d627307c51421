package io.querylens.record;

/** Names units of work. */
final class UnitNames {

  private static final int MAX_PATH = 200;

  private UnitNames() {}

  /**
   * {@code GET /users/{id}/orders} from {@code GET} and {@code /users/42/orders}: path segments that are ids (numbers,
   * UUIDs, long hex strings) or look like personal data (contain {@code @}) become {@code {id}}, so that one endpoint
   * has one name and no value from the URL reaches a finding. The query string is never included.
   */
  static String request(String method, String uri) {
    String path = uri == null ? "/" : uri;
    int query = path.indexOf('?');
    if (query >= 0) {
      path = path.substring(0, query);
    }
    StringBuilder name = new StringBuilder(Math.min(path.length(), MAX_PATH) + 16)
        .append(method == null ? "?" : method).append(' ');
    int pathStart = name.length();
    int start = 0;
    // Ids are folded before the name is cut, so that a cut never leaves part of an id in the name.
    while (start <= path.length() && name.length() - pathStart <= MAX_PATH) {
      int slash = path.indexOf('/', start);
      int end = slash < 0 ? path.length() : slash;
      String segment = path.substring(start, end);
      name.append(isIdentifier(segment) ? "{id}" : segment);
      if (slash < 0) {
        break;
      }
      name.append('/');
      start = slash + 1;
    }
    if (name.length() - pathStart > MAX_PATH) {
      name.setLength(pathStart + MAX_PATH);
      name.append("...");
    }
    return name.toString();
  }

  private static boolean isIdentifier(String segment) {
    if (segment.isEmpty()) {
      return false;
    }
    if (segment.indexOf('@') >= 0) {
      return true;
    }
    boolean digitsOnly = true;
    int hex = 0;
    for (int i = 0; i < segment.length(); i++) {
      char c = segment.charAt(i);
      if (c < '0' || c > '9') {
        digitsOnly = false;
      }
      if (Character.digit(c, 16) >= 0 || c == '-') {
        hex++;
      }
    }
    return digitsOnly || hex == segment.length() && segment.length() >= 16;
  }
}
