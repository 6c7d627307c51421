package io.querylens.record;

/** Names units of work. */
final class UnitNames {

  private static final int MAX_PATH = 200;

  private UnitNames() {}

  /**
   * {@code GET /users/{id}/orders} from {@code GET} and {@code /users/42/orders}: path segments that carry values
   * become {@code {id}}, so that one endpoint has one name and no value from the URL reaches a finding. Values are
   * numbers, UUIDs and long hex strings, anything with {@code @} or a percent-escape (e-mail addresses, encoded text),
   * long mixes of letters and digits (tokens, slugs with ids) and anything very long. Path parameters
   * ({@code ;jsessionid=...}) and the query string are dropped.
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
      int parameters = segment.indexOf(';');
      if (parameters >= 0) {
        segment = segment.substring(0, parameters);
      }
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

  /**
   * {@code GET /owners/{ownerId}} from {@code GET}, the context path and the route template a framework matched
   * (Spring MVC's best-matching pattern). A template holds no values; it is cut at the same length as a path.
   */
  static String route(String method, String contextPath, String route) {
    String path = (contextPath == null || contextPath.equals("/") ? "" : contextPath) + route;
    if (path.length() > MAX_PATH) {
      path = path.substring(0, MAX_PATH) + "...";
    }
    return (method == null || method.isEmpty() ? "?" : method) + " " + path;
  }

  /** Segments longer than this are values, whatever they look like. */
  private static final int LONG_SEGMENT = 32;
  /** Segments at least this long that mix letters and digits are values (tokens, ids in slugs). */
  private static final int MIXED_SEGMENT = 12;

  private static boolean isIdentifier(String segment) {
    if (segment.isEmpty()) {
      return false;
    }
    if (segment.length() > LONG_SEGMENT || segment.indexOf('@') >= 0 || segment.indexOf('%') >= 0) {
      return true;
    }
    int digits = 0;
    int letters = 0;
    int hex = 0;
    for (int i = 0; i < segment.length(); i++) {
      char c = segment.charAt(i);
      if (c >= '0' && c <= '9') {
        digits++;
      } else if (Character.isLetter(c)) {
        letters++;
      }
      if (Character.digit(c, 16) >= 0 || c == '-') {
        hex++;
      }
    }
    return digits == segment.length()
        || hex == segment.length() && segment.length() >= 16
        || digits > 0 && letters > 0 && segment.length() >= MIXED_SEGMENT;
  }
}
