package io.querylens.detect;

/** Where detectors hand what they saw. Implementations queue it and return at once; they never block or throw. */
@FunctionalInterface
public interface DetectionSink {
  void report(Detection detection);
}
