package io.querylens.agent;

import io.querylens.bootstrap.ClassDefinitions;
import java.lang.instrument.ClassFileTransformer;
import java.lang.instrument.IllegalClassFormatException;
import java.security.ProtectionDomain;
import java.util.Arrays;

/**
 * Told of every class file a class loader is about to define (see {@link ClassDefinitionHook}): hands it to the same
 * transformer a class file transformer registered with the JVM would be, which declines nine in ten classes after one
 * scan of their bytes and gives the JDBC classes to Byte Buddy.
 */
final class DefiningClassInstrumenter implements ClassDefinitions.Listener {

  private final ClassFileTransformer transformer;

  DefiningClassInstrumenter(ClassFileTransformer transformer) {
    this.transformer = transformer;
  }

  @Override
  public byte[] defining(ClassLoader loader, String name, byte[] classFile, int offset, int length,
      ProtectionDomain domain) {
    if (name == null || loader == null) {
      return null;
    }
    byte[] exact = offset == 0 && length == classFile.length ? classFile
        : Arrays.copyOfRange(classFile, offset, offset + length);
    try {
      return transformer.transform(loader, name.replace('.', '/'), null, domain, exact);
    } catch (IllegalClassFormatException | RuntimeException unchanged) {
      return null;
    }
  }
}
