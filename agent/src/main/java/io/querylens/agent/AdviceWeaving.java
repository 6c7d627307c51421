package io.querylens.agent;

import java.security.ProtectionDomain;
import net.bytebuddy.agent.builder.AgentBuilder;
import net.bytebuddy.asm.Advice;
import net.bytebuddy.asm.AsmVisitorWrapper;
import net.bytebuddy.description.method.MethodDescription;
import net.bytebuddy.description.type.TypeDescription;
import net.bytebuddy.dynamic.DynamicType;
import net.bytebuddy.matcher.ElementMatcher;
import net.bytebuddy.utility.JavaModule;

/**
 * Weaves advice into the matching methods a class declares. Each advice class is read once, when querylens'
 * transformer is built, not again for every class instrumented (as Byte Buddy's
 * {@code Transformer.ForAdvice} does, through a type pool of the instrumented class's loader): for advice that refers
 * only to JDK types and querylens' bootstrap hooks, nothing depends on that loader. Advice naming an application
 * type (the servlet advice) stays with {@code ForAdvice}.
 */
final class AdviceWeaving implements AgentBuilder.Transformer {

  private final Advice.ExceptionHandler handler;
  private final AsmVisitorWrapper.ForDeclaredMethods methods;

  AdviceWeaving(Advice.ExceptionHandler handler) {
    this(handler, new AsmVisitorWrapper.ForDeclaredMethods());
  }

  private AdviceWeaving(Advice.ExceptionHandler handler, AsmVisitorWrapper.ForDeclaredMethods methods) {
    this.handler = handler;
    this.methods = methods;
  }

  /** This weaving and the given advice in the declared methods that match. */
  AdviceWeaving advice(ElementMatcher<? super MethodDescription> matching, Class<?> adviceClass) {
    return new AdviceWeaving(handler,
        methods.invokable(matching, Advice.to(adviceClass).withExceptionHandler(handler)));
  }

  @Override
  public DynamicType.Builder<?> transform(
      DynamicType.Builder<?> builder, TypeDescription type, ClassLoader loader, JavaModule module,
      ProtectionDomain domain) {
    return builder.visit(methods);
  }
}
