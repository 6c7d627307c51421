package io.querylens.agent;

import java.lang.instrument.IllegalClassFormatException;
import java.security.ProtectionDomain;
import net.bytebuddy.agent.builder.ResettableClassFileTransformer;

/**
 * Passes a class to Byte Buddy only if {@link JdbcClassFilter} says its class file can hold something querylens
 * instruments: the decorator of the transformer Byte Buddy installs itself (when querylens is attached to a running
 * JVM, or retransforms classes loaded before it).
 */
final class JdbcClassPrefilter extends ResettableClassFileTransformer.WithDelegation {

  private final JdbcClassFilter filter;

  /** @param delegate Byte Buddy's transformer */
  JdbcClassPrefilter(ResettableClassFileTransformer delegate, JdbcClassFilter filter) {
    super(delegate);
    this.filter = filter;
  }

  @Override
  public byte[] transform(
      ClassLoader loader, String internalName, Class<?> classBeingRedefined, ProtectionDomain protectionDomain,
      byte[] classFile) throws IllegalClassFormatException {
    return filter.worthALook(internalName, classFile)
        ? classFileTransformer.transform(loader, internalName, classBeingRedefined, protectionDomain, classFile)
        : null;
  }

  @Override
  public byte[] transform(
      Module module, ClassLoader loader, String internalName, Class<?> classBeingRedefined,
      ProtectionDomain protectionDomain, byte[] classFile) throws IllegalClassFormatException {
    return filter.worthALook(internalName, classFile)
        ? classFileTransformer.transform(module, loader, internalName, classBeingRedefined, protectionDomain, classFile)
        : null;
  }
}
