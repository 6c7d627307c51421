package io.querylens.capture;

/** Whose statements a {@link QueryCapture} counts. */
public enum CaptureScope {
  /** Only statements run by the thread that opened the capture. */
  THIS_THREAD,
  /**
   * Statements run by any thread while the capture is open: a web server's request thread serving the test's HTTP
   * call, an executor working for the test. Tests running in parallel see each other's statements in this scope.
   */
  ALL_THREADS
}
