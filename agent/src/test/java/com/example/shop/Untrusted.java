package com.example.shop;

/** A class no configuration may make querylens load: it says so if it is ever initialised. */
public final class Untrusted {

  static {
    System.out.println("UNTRUSTED CLASS INITIALISED");
  }

  private Untrusted() {}
}
