package io.querylens.agent;

import io.querylens.bootstrap.ClassDefinitions;
import java.lang.instrument.IllegalClassFormatException;
import java.security.ProtectionDomain;

/**
 * Told of the class files class loaders are about to define (see {@link ClassDefinitionHook}): declines at once what
 * {@link DeferredTransformer#mayInstrument} declines by loader and name, and the classes defined while it is at work on
 * the same thread (querylens' and Byte Buddy's, loaded while a class is instrumented; the JVM's own transformer calls
 * are guarded the same way), and hands the rest to that transformer, as the JVM would hand them to it if it were
 * registered.
 */
final class ClassDefinitionListener implements ClassDefinitions.Listener {

  private final DeferredTransformer transformer;
  private final ThreadLocal<Boolean> atWork = new ThreadLocal<>();

  ClassDefinitionListener(DeferredTransformer transformer) {
    this.transformer = transformer;
  }

  @Override
  public boolean mayReplace(ClassLoader loader, String name) {
    return name != null && atWork.get() == null && transformer.mayInstrument(loader, name.replace('.', '/'));
  }

  @Override
  public byte[] replacement(ClassLoader loader, String name, byte[] classFile, ProtectionDomain domain) {
    atWork.set(Boolean.TRUE);
    try {
      return transformer.transform(loader, name.replace('.', '/'), null, domain, classFile);
    } catch (IllegalClassFormatException | RuntimeException unchanged) {
      return null;
    } finally {
      atWork.remove();
    }
  }
}
