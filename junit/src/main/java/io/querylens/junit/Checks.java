package io.querylens.junit;

import io.querylens.capture.CaptureAssert;
import io.querylens.finding.FindingType;
import java.lang.annotation.Annotation;
import java.lang.reflect.Method;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import org.junit.jupiter.api.extension.ExtensionConfigurationException;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * The checks that apply to one test: the global defaults ({@value #DEFAULTS} configuration parameter), then the
 * annotations of its class (outer classes first, for {@code @Nested}), then its own; a later one of the same kind
 * replaces an earlier one, and {@link Relax} removes them.
 */
final class Checks {

  /** JUnit configuration parameter with the checks every test gets, e.g. {@code NoNPlusOne, MaxStatementTime=500}. */
  static final String DEFAULTS = "querylens.defaults";

  /** One check: its annotation type (what {@link Relax} names) and what it asserts. */
  record Check(Class<? extends Annotation> kind, Consumer<CaptureAssert> assertion) {}

  /** A relaxed check and why. */
  record Relaxed(Class<? extends Annotation> kind, String reason) {}

  private Checks() {}

  static List<Check> forTest(ExtensionContext context, List<Relaxed> relaxed) {
    Map<Class<? extends Annotation>, Check> checks = new LinkedHashMap<>();
    context.getConfigurationParameter(DEFAULTS).ifPresent(defaults -> parseDefaults(defaults, checks));
    List<Class<?>> classes = new ArrayList<>();
    for (Class<?> type = context.getRequiredTestClass(); type != null; type = type.getEnclosingClass()) {
      classes.add(0, type);
    }
    for (Class<?> type : classes) {
      addAnnotated(type.getAnnotations(), checks);
    }
    Method method = context.getRequiredTestMethod();
    addAnnotated(method.getAnnotations(), checks);
    Relax relax = method.getAnnotation(Relax.class);
    if (relax != null) {
      if (relax.reason() == null || relax.reason().isBlank()) {
        throw new ExtensionConfigurationException("@Relax on " + method.getName() + " needs a reason");
      }
      for (Class<? extends Annotation> kind : relax.value()) {
        checks.remove(kind);
        relaxed.add(new Relaxed(kind, relax.reason()));
      }
    }
    return List.copyOf(checks.values());
  }

  private static void addAnnotated(Annotation[] annotations, Map<Class<? extends Annotation>, Check> checks) {
    for (Annotation annotation : annotations) {
      of(annotation).ifPresent(check -> checks.put(check.kind(), check));
    }
  }

  static Optional<Check> of(Annotation annotation) {
    if (annotation instanceof ExpectSelects a) {
      return Optional.of(count(ExpectSelects.class, "ExpectSelects", a.value(), a.min(), a.max(), CaptureAssert::selects));
    }
    if (annotation instanceof ExpectInserts a) {
      return Optional.of(count(ExpectInserts.class, "ExpectInserts", a.value(), a.min(), a.max(), CaptureAssert::inserts));
    }
    if (annotation instanceof ExpectUpdates a) {
      return Optional.of(count(ExpectUpdates.class, "ExpectUpdates", a.value(), a.min(), a.max(), CaptureAssert::updates));
    }
    if (annotation instanceof ExpectDeletes a) {
      return Optional.of(count(ExpectDeletes.class, "ExpectDeletes", a.value(), a.min(), a.max(), CaptureAssert::deletes));
    }
    if (annotation instanceof ExpectStatements a) {
      return Optional.of(count(ExpectStatements.class, "ExpectStatements", a.value(), a.min(), a.max(),
          CaptureAssert::statements));
    }
    if (annotation instanceof NoNPlusOne) {
      return Optional.of(new Check(NoNPlusOne.class, CaptureAssert::noNPlusOne));
    }
    if (annotation instanceof NoConnectionLeak) {
      return Optional.of(new Check(NoConnectionLeak.class, CaptureAssert::noConnectionLeak));
    }
    if (annotation instanceof NoRepeatedSelects) {
      return Optional.of(new Check(NoRepeatedSelects.class, CaptureAssert::noRepeatedSelects));
    }
    if (annotation instanceof ExpectBatchedWrites) {
      return Optional.of(new Check(ExpectBatchedWrites.class, CaptureAssert::writesBatched));
    }
    if (annotation instanceof AllUseBindParameters) {
      return Optional.of(new Check(AllUseBindParameters.class, CaptureAssert::allUseBindParameters));
    }
    if (annotation instanceof NoLeadingWildcardLike) {
      return Optional.of(new Check(NoLeadingWildcardLike.class, CaptureAssert::noLeadingWildcardLike));
    }
    if (annotation instanceof MaxStatementTime a) {
      return Optional.of(maxTime(a.millis()));
    }
    if (annotation instanceof NoFindings a) {
      FindingType[] types = a.value();
      return Optional.of(new Check(NoFindings.class, capture -> capture.noFindings(types)));
    }
    return Optional.empty();
  }

  private static Check maxTime(long millis) {
    if (millis <= 0) {
      throw new ExtensionConfigurationException("MaxStatementTime needs a positive number of milliseconds");
    }
    return new Check(MaxStatementTime.class, capture -> capture.maxDuration(Duration.ofMillis(millis)));
  }

  private static Check count(Class<? extends Annotation> kind, String name, int exactly, int min, int max,
      java.util.function.Function<CaptureAssert, CaptureAssert.Count> counted) {
    if (exactly < 0 && min < 0 && max < 0) {
      throw new ExtensionConfigurationException("@" + name + " needs a number: @" + name + "(2), @" + name
          + "(max = 3) or @" + name + "(min = 1, max = 3)");
    }
    return new Check(kind, capture -> {
      if (exactly >= 0) {
        counted.apply(capture).exactly(exactly);
      }
      if (min >= 0) {
        counted.apply(capture).atLeast(min);
      }
      if (max >= 0) {
        counted.apply(capture).atMost(max);
      }
    });
  }

  /**
   * {@code NoNPlusOne, NoConnectionLeak, NoRepeatedSelects, ExpectBatchedWrites, AllUseBindParameters,
   * NoLeadingWildcardLike, NoFindings,
   * MaxStatementTime=500, ExpectSelects.max=20} (counts take {@code =n}, {@code .min=n} or {@code .max=n}).
   */
  static void parseDefaults(String text, Map<Class<? extends Annotation>, Check> checks) {
    for (String entry : text.split("[,;]")) {
      String token = entry.trim();
      if (token.isEmpty()) {
        continue;
      }
      String name = token;
      String value = null;
      int equals = token.indexOf('=');
      if (equals >= 0) {
        name = token.substring(0, equals).trim();
        value = token.substring(equals + 1).trim();
      }
      String bound = "";
      int dot = name.indexOf('.');
      if (dot >= 0) {
        bound = name.substring(dot + 1);
        name = name.substring(0, dot);
      }
      Check check = switch (name) {
        case "NoNPlusOne" -> new Check(NoNPlusOne.class, CaptureAssert::noNPlusOne);
        case "NoRepeatedSelects" -> new Check(NoRepeatedSelects.class, CaptureAssert::noRepeatedSelects);
        case "NoConnectionLeak" -> new Check(NoConnectionLeak.class, CaptureAssert::noConnectionLeak);
        case "ExpectBatchedWrites" -> new Check(ExpectBatchedWrites.class, CaptureAssert::writesBatched);
        case "AllUseBindParameters" -> new Check(AllUseBindParameters.class, CaptureAssert::allUseBindParameters);
        case "NoLeadingWildcardLike" -> new Check(NoLeadingWildcardLike.class, CaptureAssert::noLeadingWildcardLike);
        case "NoFindings" -> new Check(NoFindings.class, capture -> capture.noFindings());
        case "MaxStatementTime" -> maxTime(number(token, value));
        case "ExpectSelects" -> defaultCount(ExpectSelects.class, token, bound, value, CaptureAssert::selects);
        case "ExpectInserts" -> defaultCount(ExpectInserts.class, token, bound, value, CaptureAssert::inserts);
        case "ExpectUpdates" -> defaultCount(ExpectUpdates.class, token, bound, value, CaptureAssert::updates);
        case "ExpectDeletes" -> defaultCount(ExpectDeletes.class, token, bound, value, CaptureAssert::deletes);
        case "ExpectStatements" -> defaultCount(ExpectStatements.class, token, bound, value, CaptureAssert::statements);
        default -> throw new ExtensionConfigurationException(DEFAULTS + ": unknown check '" + token + "'; known: "
            + Arrays.asList("NoNPlusOne", "NoConnectionLeak", "NoRepeatedSelects", "ExpectBatchedWrites", "AllUseBindParameters",
                "NoLeadingWildcardLike", "NoFindings", "MaxStatementTime=<ms>", "ExpectSelects[.min|.max]=<n>",
                "ExpectInserts...", "ExpectUpdates...", "ExpectDeletes...", "ExpectStatements..."));
      };
      checks.put(check.kind(), check);
    }
  }

  private static Check defaultCount(Class<? extends Annotation> kind, String token, String bound, String value,
      java.util.function.Function<CaptureAssert, CaptureAssert.Count> counted) {
    int n = (int) number(token, value);
    return switch (bound) {
      case "" -> count(kind, token, n, -1, -1, counted);
      case "min" -> count(kind, token, -1, n, -1, counted);
      case "max" -> count(kind, token, -1, -1, n, counted);
      default -> throw new ExtensionConfigurationException(DEFAULTS + ": '" + token + "' takes =n, .min=n or .max=n");
    };
  }

  private static long number(String token, String value) {
    try {
      return Long.parseLong(value);
    } catch (NumberFormatException | NullPointerException notANumber) {
      throw new ExtensionConfigurationException(DEFAULTS + ": '" + token + "' needs a number");
    }
  }
}
