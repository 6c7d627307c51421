package io.querylens.testing;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** A strict little JSON reader for checking what the sinks write: objects keep their key order. */
public final class MiniJson {

  private final String text;
  private int at;

  private MiniJson(String text) {
    this.text = text;
  }

  /** Parses one JSON value that must span all of {@code text}. */
  public static Object parse(String text) {
    MiniJson parser = new MiniJson(text);
    Object value = parser.value();
    parser.space();
    if (parser.at != text.length()) {
      throw parser.error("trailing text");
    }
    return value;
  }

  @SuppressWarnings("unchecked")
  public static Map<String, Object> object(String text) {
    return (Map<String, Object>) parse(text);
  }

  private Object value() {
    space();
    if (at >= text.length()) {
      throw error("unexpected end");
    }
    char c = text.charAt(at);
    switch (c) {
      case '{' -> {
        return object();
      }
      case '[' -> {
        return array();
      }
      case '"' -> {
        return string();
      }
      default -> {
        if (text.startsWith("true", at)) {
          at += 4;
          return Boolean.TRUE;
        }
        if (text.startsWith("false", at)) {
          at += 5;
          return Boolean.FALSE;
        }
        if (text.startsWith("null", at)) {
          at += 4;
          return null;
        }
        return number();
      }
    }
  }

  private Map<String, Object> object() {
    Map<String, Object> result = new LinkedHashMap<>();
    at++;
    space();
    if (peek() == '}') {
      at++;
      return result;
    }
    while (true) {
      space();
      String key = string();
      space();
      expect(':');
      if (result.containsKey(key)) {
        throw error("duplicate key " + key);
      }
      result.put(key, value());
      space();
      if (peek() == ',') {
        at++;
      } else {
        expect('}');
        return result;
      }
    }
  }

  private List<Object> array() {
    List<Object> result = new ArrayList<>();
    at++;
    space();
    if (peek() == ']') {
      at++;
      return result;
    }
    while (true) {
      result.add(value());
      space();
      if (peek() == ',') {
        at++;
      } else {
        expect(']');
        return result;
      }
    }
  }

  private String string() {
    expect('"');
    StringBuilder out = new StringBuilder();
    while (true) {
      if (at >= text.length()) {
        throw error("unterminated string");
      }
      char c = text.charAt(at++);
      if (c == '"') {
        return out.toString();
      }
      if (c < 0x20) {
        throw error("raw control character in string");
      }
      if (c != '\\') {
        out.append(c);
        continue;
      }
      char escape = text.charAt(at++);
      switch (escape) {
        case '"' -> out.append('"');
        case '\\' -> out.append('\\');
        case '/' -> out.append('/');
        case 'b' -> out.append('\b');
        case 'f' -> out.append('\f');
        case 'n' -> out.append('\n');
        case 'r' -> out.append('\r');
        case 't' -> out.append('\t');
        case 'u' -> {
          out.append((char) Integer.parseInt(text.substring(at, at + 4), 16));
          at += 4;
        }
        default -> throw error("bad escape \\" + escape);
      }
    }
  }

  private Number number() {
    int start = at;
    while (at < text.length() && "+-0123456789.eE".indexOf(text.charAt(at)) >= 0) {
      at++;
    }
    String number = text.substring(start, at);
    if (number.isEmpty()) {
      throw error("unexpected character");
    }
    if (number.contains(".") || number.contains("e") || number.contains("E")) {
      return Double.parseDouble(number);
    }
    return Long.parseLong(number);
  }

  private char peek() {
    return at < text.length() ? text.charAt(at) : '\0';
  }

  private void expect(char c) {
    if (peek() != c) {
      throw error("expected " + c);
    }
    at++;
  }

  private void space() {
    while (at < text.length() && " \t\r\n".indexOf(text.charAt(at)) >= 0) {
      at++;
    }
  }

  private IllegalArgumentException error(String what) {
    return new IllegalArgumentException(what + " at " + at + " in " + text);
  }
}
