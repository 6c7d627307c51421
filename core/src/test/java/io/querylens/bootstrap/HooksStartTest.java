package io.querylens.bootstrap;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * While the agent starts querylens beside the application ({@link Hooks#startPending()}), a capture opened meanwhile
 * waits for the start instead of finding no querylens; once it has ended, nothing waits.
 */
class HooksStartTest {

  @Test
  void aCaptureOpenedWhileTheStartIsPendingWaitsForItThenOpensOnWhatItInstalled() throws Exception {
    CaptureBridge before = Hooks.captureBridge();
    Hooks.installCaptureBridge(null);
    Hooks.startPending();
    try {
      CompletableFuture<Object> opened = CompletableFuture.supplyAsync(() -> Hooks.openCapture("early", false));
      Thread.sleep(100); // time to reach the wait: it cannot return before the start has ended
      assertThat(opened).as("still waiting for the start").isNotDone();

      Hooks.installCaptureBridge(new NamedCaptures());
      Hooks.startEnded();
      assertThat(opened.get(10, TimeUnit.SECONDS)).isEqualTo("capture early");
      assertThat(Hooks.openCapture("later", true)).as("no wait once started").isEqualTo("capture later");
    } finally {
      Hooks.startEnded();
      Hooks.installCaptureBridge(before);
    }
  }

  @Test
  void withNoStartPendingACaptureOpensAtOnceOrNotAtAll() {
    CaptureBridge before = Hooks.captureBridge();
    Hooks.installCaptureBridge(null);
    try {
      assertThat(Hooks.openCapture("none", false)).as("no querylens: no capture, no wait").isNull();
    } finally {
      Hooks.installCaptureBridge(before);
    }
  }

  /** Opens captures that are their own names. */
  private static final class NamedCaptures implements CaptureBridge {
    @Override
    public Object open(String name, boolean allThreads) {
      return "capture " + name;
    }

    @Override
    public Object[] state(Object capture) {
      return new Object[0];
    }

    @Override
    public void close(Object capture) {}
  }
}
