package io.querylens.callsite;

/**
 * Where in the application a statement was issued: the first application frame, and what issued the statement on the
 * way down (its {@link Origin}). Usually interned, but compare with {@link #equals}: past the interning cap, equal
 * sites are distinct objects.
 */
public final class CallSite {

  /** Used when no stack was captured. */
  public static final CallSite UNKNOWN = new CallSite("?", "?", null, -1, Origin.PLAIN_JDBC, false);

  private final String className;
  private final String methodName;
  private final String fileName;
  private final int lineNumber;
  private final Origin origin;
  private final boolean application;
  private final String text;

  CallSite(String className, String methodName, String fileName, int lineNumber, Origin origin, boolean application) {
    this.className = className;
    this.methodName = methodName;
    this.fileName = fileName;
    this.lineNumber = lineNumber;
    this.origin = origin;
    this.application = application;
    this.text = className + "." + methodName + "(" + (fileName == null ? "Unknown Source" : fileName)
        + (lineNumber >= 0 ? ":" + lineNumber : "") + ")";
  }

  public String className() {
    return className;
  }

  public String methodName() {
    return methodName;
  }

  public int lineNumber() {
    return lineNumber;
  }

  public Origin origin() {
    return origin;
  }

  /** False when no application frame was on the stack and this is the nearest library frame instead. */
  public boolean isApplication() {
    return application;
  }

  /** {@code com.example.FeedService.render(FeedService.java:42)}. */
  @Override
  public String toString() {
    return text;
  }

  @Override
  public boolean equals(Object other) {
    return other == this || other instanceof CallSite site && site.lineNumber == lineNumber
        && site.origin == origin && site.application == application && site.text.equals(text);
  }

  @Override
  public int hashCode() {
    return text.hashCode() * 31 + origin.ordinal();
  }
}
