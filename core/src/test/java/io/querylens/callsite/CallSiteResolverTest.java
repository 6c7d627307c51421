package io.querylens.callsite;

import static org.assertj.core.api.Assertions.assertThat;

import com.example.app.CallSites;
import com.example.app.CallSites.Captured;
import java.util.List;
import org.junit.jupiter.api.Test;

class CallSiteResolverTest {

  @Test
  void theCallSiteIsTheFirstApplicationFrame() {
    Captured captured = CallSites.captureHere(new CallSiteResolver(List.of()));

    CallSite site = captured.site();
    assertThat(site.toString())
        .isEqualTo("com.example.app.CallSites.captureHere(CallSites.java:" + captured.line() + ")");
    assertThat(site.className()).isEqualTo("com.example.app.CallSites");
    assertThat(site.methodName()).isEqualTo("captureHere");
    assertThat(site.lineNumber()).isEqualTo(captured.line());
    assertThat(site.isApplication()).isTrue();
    assertThat(site.origin()).isEqualTo(Origin.PLAIN_JDBC);
  }

  @Test
  void theSameSiteIsTheSameObject() {
    CallSiteResolver resolver = new CallSiteResolver(List.of());
    CallSite first = null;
    for (int i = 0; i < 3; i++) {
      CallSite site = CallSites.captureHere(resolver).site();
      if (first == null) {
        first = site;
      }
      assertThat(site).isSameAs(first);
    }
  }

  @Test
  void libraryFramesWalkedPastNameTheOrigin() {
    CallSiteResolver resolver = new CallSiteResolver(List.of("com.example."));

    Captured viaTemplate = CallSites.throughJdbcTemplate(resolver);
    Captured viaCollection = CallSites.throughLazyCollection(resolver);

    assertThat(viaTemplate.site().toString())
        .isEqualTo("com.example.app.CallSites.throughJdbcTemplate(CallSites.java:" + viaTemplate.line() + ")");
    assertThat(viaTemplate.site().origin()).isEqualTo(Origin.JDBC_TEMPLATE);
    assertThat(viaCollection.site().toString())
        .isEqualTo("com.example.app.CallSites.throughLazyCollection(CallSites.java:" + viaCollection.line() + ")");
    assertThat(viaCollection.site().origin()).isEqualTo(Origin.HIBERNATE_LAZY_COLLECTION);
  }

  @Test
  void withoutAppPackagesAFrameworkPackagedClassFromADirectoryIsTheCallSite() {
    Captured captured = CallSites.throughJdbcTemplate(new CallSiteResolver(List.of()));

    assertThat(captured.site().className()).isEqualTo("org.springframework.jdbc.core.FakeJdbcTemplate");
    assertThat(captured.site().isApplication()).isTrue();
  }

  @Test
  void withNoApplicationFrameTheNearestNonInfrastructureFrameIsUsedAndMarked() {
    Captured captured = CallSites.captureHere(new CallSiteResolver(List.of("com.nowhere.")));

    assertThat(captured.site().isApplication()).isFalse();
    assertThat(captured.site().className()).isEqualTo("com.example.app.CallSites");
  }
}
