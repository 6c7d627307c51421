package com.example.app;

/** A plain application class with no dependencies (its bytes are re-defined under other code sources in tests). */
public class Widget {

  public int size() {
    return 3;
  }
}
