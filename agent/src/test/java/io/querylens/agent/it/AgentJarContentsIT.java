package io.querylens.agent.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Collections;
import java.util.List;
import java.util.jar.Attributes;
import java.util.jar.JarFile;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The agent jar is one self-contained jar whose every class lives under {@code io.querylens.agent}: bundled libraries
 * and querylens' own core are relocated there, so nothing in it can clash with what an application ships, querylens-core
 * included.
 */
class AgentJarContentsIT {

  @Test
  void holdsNothingOutsideTheQuerylensNamespace() throws Exception {
    try (JarFile jar = new JarFile(ForkedJvm.agentJar().toFile())) {
      List<String> outside = Collections.list(jar.entries()).stream()
          .map(entry -> entry.getName())
          .filter(name -> !name.startsWith("io/querylens/agent/") && !name.startsWith("META-INF/")
              && !name.equals("io/") && !name.equals("io/querylens/"))
          .collect(Collectors.toList());
      assertThat(outside).isEmpty();
      List<String> unrelocated = Collections.list(jar.entries()).stream()
          .map(entry -> entry.getName())
          .filter(name -> name.contains("net/bytebuddy/") || name.contains("net/sf/jsqlparser/"))
          .filter(name -> !name.startsWith("io/querylens/agent/shaded/"))
          .collect(Collectors.toList());
      assertThat(unrelocated).isEmpty();
    }
  }

  @Test
  void declaresThePremainAndAgentClassesAndRetransformation() throws Exception {
    try (JarFile jar = new JarFile(ForkedJvm.agentJar().toFile())) {
      Attributes main = jar.getManifest().getMainAttributes();
      assertThat(main.getValue("Premain-Class")).isEqualTo("io.querylens.agent.QueryLensAgent");
      assertThat(main.getValue("Agent-Class")).isEqualTo("io.querylens.agent.QueryLensAgent");
      assertThat(main.getValue("Can-Retransform-Classes")).isEqualTo("true");
      assertThat(jar.getEntry("io/querylens/agent/bootstrap/Hooks.class")).isNotNull();
      assertThat(jar.getEntry("io/querylens/agent/core/record/Recorder.class")).isNotNull();
      assertThat(jar.getEntry("io/querylens/agent/shaded/bytebuddy/agent/builder/AgentBuilder.class")).isNotNull();
      assertThat(jar.getEntry("io/querylens/agent/shaded/jsqlparser/parser/CCJSqlParserUtil.class")).isNotNull();
    }
  }
}
