package io.querylens.internal;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads one JSON text (what PostgreSQL's {@code EXPLAIN (FORMAT JSON)} prints) into {@code java.base} types: objects
 * as {@code Map<String, Object>} in their order, arrays as {@code List<Object>}, numbers as {@code Double}, strings,
 * booleans and null. Nesting is capped, so a hostile text cannot exhaust the stack.
 */
public final class JsonReader {

  private static final int MAX_DEPTH = 512;

  private final String text;
  private int position;

  private JsonReader(String text) {
    this.text = text;
  }

  /**
   * The value {@code text} holds.
   *
   * @throws IllegalArgumentException when it is not one JSON value, saying where
   */
  public static Object read(String text) {
    JsonReader reader = new JsonReader(text);
    Object value = reader.value(0);
    reader.skipSpace();
    if (reader.position != text.length()) {
      throw reader.problem("text after the value");
    }
    return value;
  }

  private Object value(int depth) {
    if (depth > MAX_DEPTH) {
      throw problem("nested deeper than " + MAX_DEPTH);
    }
    skipSpace();
    if (position >= text.length()) {
      throw problem("unexpected end");
    }
    char c = text.charAt(position);
    switch (c) {
      case '{':
        return object(depth);
      case '[':
        return array(depth);
      case '"':
        return string();
      case 't':
        return word("true", Boolean.TRUE);
      case 'f':
        return word("false", Boolean.FALSE);
      case 'n':
        return word("null", null);
      default:
        return number();
    }
  }

  private Map<String, Object> object(int depth) {
    Map<String, Object> map = new LinkedHashMap<>();
    position++;
    skipSpace();
    if (peek() == '}') {
      position++;
      return map;
    }
    while (true) {
      skipSpace();
      if (peek() != '"') {
        throw problem("expected a member name");
      }
      String key = string();
      skipSpace();
      expect(':');
      map.put(key, value(depth + 1));
      skipSpace();
      if (peek() == ',') {
        position++;
      } else {
        expect('}');
        return map;
      }
    }
  }

  private List<Object> array(int depth) {
    List<Object> list = new ArrayList<>();
    position++;
    skipSpace();
    if (peek() == ']') {
      position++;
      return list;
    }
    while (true) {
      list.add(value(depth + 1));
      skipSpace();
      if (peek() == ',') {
        position++;
      } else {
        expect(']');
        return list;
      }
    }
  }

  private String string() {
    position++;
    StringBuilder out = new StringBuilder();
    while (position < text.length()) {
      char c = text.charAt(position++);
      if (c == '"') {
        return out.toString();
      }
      if (c != '\\') {
        out.append(c);
        continue;
      }
      if (position >= text.length()) {
        break;
      }
      char escaped = text.charAt(position++);
      switch (escaped) {
        case 'n' -> out.append('\n');
        case 't' -> out.append('\t');
        case 'r' -> out.append('\r');
        case 'b' -> out.append('\b');
        case 'f' -> out.append('\f');
        case 'u' -> {
          if (position + 4 > text.length()) {
            throw problem("short \\u escape");
          }
          try {
            out.append((char) Integer.parseInt(text.substring(position, position + 4), 16));
          } catch (NumberFormatException bad) {
            throw problem("bad \\u escape");
          }
          position += 4;
        }
        default -> out.append(escaped);
      }
    }
    throw problem("unterminated string");
  }

  private Double number() {
    int start = position;
    while (position < text.length() && "+-0123456789.eE".indexOf(text.charAt(position)) >= 0) {
      position++;
    }
    if (start == position) {
      throw problem("unexpected character '" + text.charAt(position) + "'");
    }
    try {
      return Double.valueOf(text.substring(start, position));
    } catch (NumberFormatException bad) {
      throw problem("bad number");
    }
  }

  private Object word(String word, Object value) {
    if (!text.startsWith(word, position)) {
      throw problem("unexpected word");
    }
    position += word.length();
    return value;
  }

  private void expect(char c) {
    if (peek() != c) {
      throw problem("expected '" + c + "'");
    }
    position++;
  }

  private char peek() {
    return position < text.length() ? text.charAt(position) : '\0';
  }

  private void skipSpace() {
    while (position < text.length() && Character.isWhitespace(text.charAt(position))) {
      position++;
    }
  }

  private IllegalArgumentException problem(String what) {
    return new IllegalArgumentException("JSON: " + what + " at offset " + position);
  }
}
