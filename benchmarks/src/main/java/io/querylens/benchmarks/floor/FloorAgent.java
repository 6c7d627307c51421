package io.querylens.benchmarks.floor;

import static net.bytebuddy.matcher.ElementMatchers.hasSuperType;
import static net.bytebuddy.matcher.ElementMatchers.isAbstract;
import static net.bytebuddy.matcher.ElementMatchers.isInterface;
import static net.bytebuddy.matcher.ElementMatchers.isPublic;
import static net.bytebuddy.matcher.ElementMatchers.nameStartsWith;
import static net.bytebuddy.matcher.ElementMatchers.named;
import static net.bytebuddy.matcher.ElementMatchers.not;

import java.lang.instrument.Instrumentation;
import net.bytebuddy.agent.builder.AgentBuilder;

/**
 * The floor of the overhead comparison: the least any bytecode-instrumentation agent can cost. Byte Buddy advice on
 * every {@code Statement.execute*} that only reads {@code System.nanoTime()} before and after and adds the difference
 * to a static counter. Anything querylens costs above this is the price of what it does with the measurement.
 */
public final class FloorAgent {

  private FloorAgent() {}

  public static void premain(String arguments, Instrumentation instrumentation) {
    System.setProperty("net.bytebuddy.nexus.disabled", "true");
    new AgentBuilder.Default()
        .disableClassFormatChanges()
        .with(AgentBuilder.RedefinitionStrategy.RETRANSFORMATION)
        .with(AgentBuilder.TypeStrategy.Default.DECORATE)
        // The JDK's own classes too: matching them while the JVM loads its class loaders' helpers ends in a
        // ClassCircularityError (seen starting the PostgreSQL load test); no JDK class implements Statement.
        .ignore(nameStartsWith("net.bytebuddy.").or(nameStartsWith("io.querylens.benchmarks.floor."))
            .or(nameStartsWith("java.")).or(nameStartsWith("jdk.")).or(nameStartsWith("sun.")))
        .type(hasSuperType(named("java.sql.Statement")).and(not(isInterface())))
        .transform(new AgentBuilder.Transformer.ForAdvice()
            .include(FloorAgent.class.getClassLoader())
            .advice(nameStartsWith("execute").and(isPublic()).and(not(isAbstract())), FloorAdvice.class.getName()))
        .installOn(instrumentation);
  }
}
