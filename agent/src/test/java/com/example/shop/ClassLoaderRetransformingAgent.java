package com.example.shop;

import java.lang.instrument.ClassFileTransformer;
import java.lang.instrument.Instrumentation;
import java.lang.instrument.UnmodifiableClassException;

/**
 * Another Java agent, started after querylens', that retransforms {@code java.lang.ClassLoader} in its premain, as APM
 * agents do (here with a transformer that changes nothing): querylens' hook in it must survive.
 */
public final class ClassLoaderRetransformingAgent {

  private ClassLoaderRetransformingAgent() {}

  public static void premain(String arguments, Instrumentation instrumentation) throws UnmodifiableClassException {
    ClassFileTransformer nothing = new ClassFileTransformer() {};
    instrumentation.addTransformer(nothing, true);
    try {
      instrumentation.retransformClasses(ClassLoader.class);
    } finally {
      instrumentation.removeTransformer(nothing);
    }
    System.out.println("RETRANSFORMED java.lang.ClassLoader");
  }
}
