package io.querylens.agent;

import io.querylens.bootstrap.ClassDefinitions;
import java.lang.instrument.ClassFileTransformer;
import java.lang.instrument.IllegalClassFormatException;
import java.security.ProtectionDomain;

/**
 * Told of the class files class loaders are about to define (see {@link ClassDefinitionHook}): declines at once the
 * JDK's and querylens' own classes and those defined while it is at work on the same thread (querylens' and Byte
 * Buddy's classes, loaded while a class is instrumented; the JVM's own transformer calls are guarded the same way),
 * and hands the rest to the transformer a class file transformer registered with the JVM would be.
 */
final class ClassDefinitionListener implements ClassDefinitions.Listener {

  private static final ClassLoader PLATFORM = ClassLoader.getPlatformClassLoader();
  /** The agent jar's classes (querylens' core and the libraries it bundles are relocated under it). */
  private static final String OWN_CLASSES = ClassDefinitionListener.class.getPackageName() + ".";

  private final ClassFileTransformer transformer;
  private final ThreadLocal<Boolean> atWork = new ThreadLocal<>();

  ClassDefinitionListener(ClassFileTransformer transformer) {
    this.transformer = transformer;
  }

  @Override
  public boolean mayReplace(ClassLoader loader, String name) {
    return loader != null && loader != PLATFORM && name != null && !name.startsWith("java.")
        && !name.startsWith("jdk.") && !name.startsWith("sun.") && !name.startsWith("com.sun.")
        && !name.startsWith(OWN_CLASSES) && atWork.get() == null;
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
