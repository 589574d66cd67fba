package org.lucerna.api;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import io.smallrye.config.WithName;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.lang.reflect.Method;
import java.lang.reflect.RecordComponent;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The README's tables of request fields and configuration keys say what the code does: the same
 * names, and for each key the default the service runs with.
 */
class ReadmeTablesTest {
  /** The default of a key that has none in the code: the README says in words what applies. */
  private static final String NO_DEFAULT = "(none in the code)";

  @Test
  void theRequestTableListsExactlyTheFieldsOfARequest() {
    Set<String> documented = new TreeSet<>();
    for (String cell : ReadmeTables.firstTwoColumns("## The request").keySet()) {
      documented.addAll(ReadmeTables.code(cell));
    }
    Set<String> fields =
        Arrays.stream(VisualizeRequest.class.getRecordComponents())
            .map(RecordComponent::getName)
            .collect(Collectors.toCollection(TreeSet::new));
    assertEquals(fields, documented, "README.md's request table against VisualizeRequest");
  }

  @Test
  void theSweepTableListsExactlyTheFieldsOfASweep() {
    Set<String> documented = new TreeSet<>();
    for (String cell : ReadmeTables.firstTwoColumns("## Sweeps").keySet()) {
      documented.addAll(ReadmeTables.code(cell));
    }
    Set<String> fields =
        Arrays.stream(SweepRequest.class.getRecordComponents())
            .map(RecordComponent::getName)
            .collect(Collectors.toCollection(TreeSet::new));
    assertEquals(fields, documented, "README.md's sweep table against SweepRequest");
  }

  @Test
  void theConfigurationTableListsEveryKeyWithTheDefaultTheServiceRunsWith() {
    Map<String, String> documented = new TreeMap<>();
    ReadmeTables.firstTwoColumns("## Configuration")
        .forEach(
            (key, value) ->
                documented.put(ReadmeTables.onlyCode(key), ReadmeTables.onlyCode(value)));
    Map<String, String> properties = applicationProperties();
    Map<String, String> mapped = mappedDefaults();

    Map<String, String> expected = new TreeMap<>();
    mapped.forEach((key, value) -> expected.put(key, properties.getOrDefault(key, value)));
    properties.forEach(
        (key, value) -> {
          if (key.startsWith("lucerna.")) {
            expected.put(key, value);
          }
        });
    documented.keySet().stream()
        .filter(k -> k.startsWith("quarkus."))
        .forEach(
            k -> expected.put(k, properties.getOrDefault(k, "(not in application.properties)")));
    // What the README says of a key without a default in the code is not a value to compare.
    expected.forEach(
        (key, value) -> {
          if (value.equals(NO_DEFAULT) && documented.containsKey(key)) {
            documented.put(key, NO_DEFAULT);
          }
        });
    assertEquals(
        expected,
        documented,
        "README.md's configuration table against application.properties"
            + " and the configuration mappings (keys and defaults)");
  }

  @Test
  void applicationPropertiesStatesTheMappingsOwnDefaults() {
    Map<String, String> mapped = mappedDefaults();
    Map<String, String> differing = new TreeMap<>();
    applicationProperties()
        .forEach(
            (key, value) -> {
              if (mapped.containsKey(key) && !mapped.get(key).equals(value)) {
                differing.put(
                    key, value + " in application.properties, " + mapped.get(key) + " in the code");
              }
            });
    assertEquals(Map.of(), differing);
  }

  /** The settings the packaged service runs with: keys without a profile. */
  private static Map<String, String> applicationProperties() {
    Properties p = new Properties();
    try (InputStream in =
        Files.newInputStream(Path.of("src/main/resources/application.properties"))) {
      p.load(in);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    Map<String, String> m = new TreeMap<>();
    p.stringPropertyNames().stream()
        .filter(k -> !k.startsWith("%"))
        .forEach(k -> m.put(k, p.getProperty(k)));
    return m;
  }

  /**
   * Every key of every configuration mapping of the service, with its {@code @WithDefault} or
   * NO_DEFAULT.
   */
  static Map<String, String> mappedDefaults() {
    Map<String, String> keys = new LinkedHashMap<>();
    for (Class<?> mapping : configMappings()) {
      collect(mapping.getAnnotation(ConfigMapping.class).prefix(), mapping, keys);
    }
    return keys;
  }

  private static void collect(String prefix, Class<?> group, Map<String, String> keys) {
    for (Method m : group.getMethods()) {
      if (m.isDefault()
          || java.lang.reflect.Modifier.isStatic(m.getModifiers())
          || m.getParameterCount() > 0) {
        continue;
      }
      WithName name = m.getAnnotation(WithName.class);
      String key = prefix + "." + (name != null ? name.value() : kebab(m.getName()));
      Class<?> type = m.getReturnType();
      if (type.isInterface() && type.getName().startsWith("org.lucerna.")) {
        collect(key, type, keys);
      } else {
        WithDefault d = m.getAnnotation(WithDefault.class);
        keys.put(key, d == null ? NO_DEFAULT : d.value());
      }
    }
  }

  private static String kebab(String name) {
    return name.replaceAll("([a-z0-9])([A-Z])", "$1-$2").toLowerCase(java.util.Locale.ROOT);
  }

  /** The classes of the service annotated {@code @ConfigMapping}, found in its compiled classes. */
  private static Set<Class<?>> configMappings() {
    Path classes = Path.of("target/classes");
    try (Stream<Path> files = Files.walk(classes)) {
      return files
          .filter(f -> f.toString().endsWith(".class"))
          .map(
              f ->
                  classes
                      .relativize(f)
                      .toString()
                      .replace(java.io.File.separatorChar, '.')
                      .replaceAll("\\.class$", ""))
          .map(ReadmeTablesTest::load)
          .filter(c -> c != null && c.isAnnotationPresent(ConfigMapping.class))
          .collect(Collectors.toSet());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static Class<?> load(String name) {
    try {
      return Class.forName(name, false, ReadmeTablesTest.class.getClassLoader());
    } catch (ClassNotFoundException | LinkageError e) {
      return null;
    }
  }
}
