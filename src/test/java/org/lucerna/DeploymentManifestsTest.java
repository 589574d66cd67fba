package org.lucerna;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The k8s manifests and Dockerfiles agree with the code: keys, ports, probes, devices, drain time.
 */
class DeploymentManifestsTest {
  private static final Path K8S = Path.of("k8s");
  private static final Path DOCKER = Path.of("docker");
  // Quarkus's own default, used while application.properties does not set the port.
  private static final String DEFAULT_PORT = "8080";
  // Keys the deployments already set whose configuration mapping is being added on another branch
  // (file-backed job and image stores). Remove an entry once application.properties has its key.
  private static Properties properties;
  private static List<JsonNode> manifests;

  @BeforeAll
  static void read() throws IOException {
    properties = new Properties();
    try (Reader r =
        Files.newBufferedReader(Path.of("src", "main", "resources", "application.properties"))) {
      properties.load(r);
    }
    YAMLMapper yaml = new YAMLMapper();
    manifests = new ArrayList<>();
    try (Stream<Path> files = Files.list(K8S)) {
      for (Path f : files.filter(p -> p.toString().endsWith(".yaml")).sorted().toList()) {
        try (var docs = yaml.readerFor(JsonNode.class).<JsonNode>readValues(f.toFile())) {
          docs.readAll().stream().filter(d -> d != null && d.has("kind")).forEach(manifests::add);
        }
      }
    }
  }

  @Test
  void everyServiceVariableNamesAKeyOfTheConfiguration() throws IOException {
    Set<String> known =
        properties.stringPropertyNames().stream()
            .filter(k -> !k.startsWith("%"))
            .map(DeploymentManifestsTest::envName)
            .collect(Collectors.toSet());
    List<String> names = new ArrayList<>(fieldNames(configMap().get("data")));
    for (JsonNode d : deployments()) {
      container(d).path("env").forEach(e -> names.add(e.get("name").asText()));
    }
    for (Path dockerfile : dockerfiles()) {
      Matcher m =
          Pattern.compile("\\b((?:LUCERNA|QUARKUS)_[A-Z0-9_]+)=")
              .matcher(Files.readString(dockerfile));
      while (m.find()) {
        names.add(m.group(1));
      }
    }
    List<String> ours =
        names.stream().filter(n -> n.startsWith("LUCERNA_") || n.startsWith("QUARKUS_")).toList();
    assertTrue(
        ours.contains("LUCERNA_MODELS_ROOT") && ours.contains("LUCERNA_QUEUE_CAPACITY"),
        ours.toString());
    for (String name : ours) {
      assertTrue(
          known.contains(name),
          name
              + " is set by a deployment but no key of application.properties has it as its environment form");
    }
  }

  @Test
  void probesAskTheHealthEndpoints() {
    for (JsonNode d : deployments()) {
      JsonNode c = container(d);
      assertEquals("/q/health/started", c.at("/startupProbe/httpGet/path").asText(), name(d));
      assertEquals("/q/health/ready", c.at("/readinessProbe/httpGet/path").asText(), name(d));
      assertEquals("/q/health/live", c.at("/livenessProbe/httpGet/path").asText(), name(d));
      for (String probe : List.of("startupProbe", "readinessProbe", "livenessProbe")) {
        assertEquals(
            httpPort(), resolvePort(c, c.path(probe).at("/httpGet/port")), probe + " port");
      }
    }
  }

  @Test
  void theContainerAndTheServiceUseTheServicePort() throws IOException {
    String port = properties.getProperty("quarkus.http.port", DEFAULT_PORT);
    for (JsonNode d : deployments()) {
      assertEquals(Integer.parseInt(port), httpPort(), name(d));
    }
    JsonNode service = kind("Service").get(0);
    for (JsonNode d : deployments()) {
      assertEquals(httpPort(), resolvePort(container(d), service.at("/spec/ports/0/targetPort")));
      JsonNode labels = d.at("/spec/template/metadata/labels");
      service
          .at("/spec/selector")
          .fields()
          .forEachRemaining(
              e ->
                  assertEquals(
                      e.getValue().asText(),
                      labels.path(e.getKey()).asText(),
                      "selector " + e.getKey()));
    }
    for (Path dockerfile : dockerfiles()) {
      assertTrue(Files.readString(dockerfile).contains("EXPOSE " + port), dockerfile.toString());
    }
  }

  @Test
  void theGpuDeploymentAsksForAGpuAndRunsTheGpuImage() {
    JsonNode gpu = deployment("deployment-gpu");
    JsonNode c = container(gpu);
    assertTrue(c.at("/resources/limits/nvidia.com~1gpu").asInt() >= 1, "limits nvidia.com/gpu");
    assertTrue(c.get("image").asText().endsWith(":gpu"), c.get("image").asText());
    assertTrue(
        environment(c).get("LUCERNA_WORKERS_DEVICES").startsWith("gpu:"), "workers on the GPU");

    JsonNode cpu = container(deployment("deployment-cpu"));
    assertTrue(
        cpu.at("/resources/limits/nvidia.com~1gpu").isMissingNode(),
        "the CPU variant takes no GPU");
    assertEquals("cpu", environment(cpu).get("LUCERNA_WORKERS_DEVICES"));
  }

  @Test
  void theVolumesAreMountedWhereTheConfigurationLooks() {
    for (JsonNode d : deployments()) {
      JsonNode c = container(d);
      Map<String, String> env = environment(c);
      Set<String> mounts = new HashSet<>();
      c.path("volumeMounts").forEach(m -> mounts.add(m.get("mountPath").asText()));
      assertTrue(
          mounts.contains(env.get("LUCERNA_MODELS_ROOT")), "model repository mounted: " + mounts);
      assertTrue(mounts.contains(env.get("LUCERNA_DATA_DIR")), "data folder mounted: " + mounts);
    }
  }

  @Test
  void podsGetLongerToStopThanTheServiceTakesToDrain() {
    Duration drain =
        Duration.parse(
            "PT" + properties.getProperty("quarkus.shutdown.timeout").toUpperCase(Locale.ROOT));
    for (JsonNode d : deployments()) {
      long grace = d.at("/spec/template/spec/terminationGracePeriodSeconds").asLong();
      // + 5 s: the preStop pause comes out of the same grace period.
      assertTrue(
          grace > drain.toSeconds() + 5, name(d) + ": grace " + grace + " s vs drain " + drain);
      assertEquals(1, d.at("/spec/replicas").asInt(), "one replica until jobs are shared");
    }
  }

  @Test
  void theImagesTurnOnOneDnnAndTheGpuOneBuildsTheGpuNatives() throws IOException {
    String cpu = Files.readString(DOCKER.resolve("Dockerfile"));
    String gpu = Files.readString(DOCKER.resolve("Dockerfile.gpu"));
    for (String dockerfile : List.of(cpu, gpu)) {
      assertTrue(dockerfile.contains("TF_ENABLE_ONEDNN_OPTS=1"));
    }
    assertTrue(
        Pattern.compile("(?m)^RUN mvn .*package.* -Pgpu").matcher(gpu).find(),
        "gpu build uses -Pgpu");
    assertFalse(cpu.contains("-Pgpu"), "the CPU image keeps the CPU natives");
    assertTrue(
        Pattern.compile("(?m)^FROM nvidia/cuda:12\\.[0-9.]+-cudnn-runtime-").matcher(gpu).find(),
        "a CUDA 12 + cuDNN runtime base");
    assertTrue(gpu.contains("LUCERNA_WORKERS_DEVICES=gpu:0"));
  }

  // --- k8s/scaleout: several replicas on one PostgreSQL ---

  /** Quarkus's datasource keys, set from the Secret: not in application.properties on purpose. */
  private static final Set<String> DATASOURCE =
      Set.of(
          "QUARKUS_DATASOURCE_JDBC_URL",
          "QUARKUS_DATASOURCE_USERNAME",
          "QUARKUS_DATASOURCE_PASSWORD");

  private static List<JsonNode> scaleOut() throws IOException {
    YAMLMapper yaml = new YAMLMapper();
    List<JsonNode> all = new ArrayList<>();
    try (Stream<Path> files = Files.list(K8S.resolve("scaleout"))) {
      for (Path f : files.filter(p -> p.toString().endsWith(".yaml")).sorted().toList()) {
        try (var docs = yaml.readerFor(JsonNode.class).<JsonNode>readValues(f.toFile())) {
          docs.readAll().stream().filter(d -> d != null && d.has("kind")).forEach(all::add);
        }
      }
    }
    return all;
  }

  private static JsonNode one(List<JsonNode> manifests, String kind, String name) {
    List<JsonNode> found =
        manifests.stream()
            .filter(m -> m.get("kind").asText().equals(kind) && name(m).equals(name))
            .toList();
    assertEquals(1, found.size(), kind + " " + name);
    return found.get(0);
  }

  @Test
  void scaleOutRunsSeveralReplicasOnThePostgresStore() throws IOException {
    List<JsonNode> all = scaleOut();
    JsonNode d = one(all, "Deployment", "lucerna");
    assertTrue(d.at("/spec/replicas").asInt() >= 2, "two replicas or more");
    assertEquals("RollingUpdate", d.at("/spec/strategy/type").asText());
    assertEquals(0, d.at("/spec/strategy/rollingUpdate/maxUnavailable").asInt());
    JsonNode c = container(d);
    String configMap = null;
    String secret = null;
    for (JsonNode from : c.path("envFrom")) {
      if (from.has("configMapRef")) {
        configMap = from.at("/configMapRef/name").asText();
      }
      if (from.has("secretRef")) {
        secret = from.at("/secretRef/name").asText();
      }
    }
    assertTrue(configMap != null && secret != null, "settings from a ConfigMap and a Secret");
    JsonNode config = one(all, "ConfigMap", configMap).get("data");
    assertEquals("postgres", config.path("LUCERNA_DATA_STORE").asText());
    JsonNode db = one(all, "Secret", secret).get("stringData");
    assertTrue(db.path("QUARKUS_DATASOURCE_JDBC_URL").asText().startsWith("jdbc:postgresql://"));
    assertTrue(db.has("QUARKUS_DATASOURCE_USERNAME") && db.has("QUARKUS_DATASOURCE_PASSWORD"));

    Set<String> known =
        properties.stringPropertyNames().stream()
            .filter(k -> !k.startsWith("%"))
            .map(DeploymentManifestsTest::envName)
            .collect(Collectors.toSet());
    known.addAll(DATASOURCE);
    List<String> names = new ArrayList<>(fieldNames(config));
    names.addAll(fieldNames(db));
    c.path("env").forEach(e -> names.add(e.get("name").asText()));
    for (String name : names) {
      if (name.startsWith("LUCERNA_") || name.startsWith("QUARKUS_")) {
        assertTrue(known.contains(name), name + " is not a key of the service");
      }
    }

    assertEquals("/q/health/started", c.at("/startupProbe/httpGet/path").asText());
    assertEquals("/q/health/ready", c.at("/readinessProbe/httpGet/path").asText());
    assertEquals("/q/health/live", c.at("/livenessProbe/httpGet/path").asText());
    Duration drain =
        Duration.parse(
            "PT" + properties.getProperty("quarkus.shutdown.timeout").toUpperCase(Locale.ROOT));
    long grace = d.at("/spec/template/spec/terminationGracePeriodSeconds").asLong();
    assertTrue(grace > drain.toSeconds() + 5, "grace " + grace + " s vs drain " + drain);
    assertTrue(
        c.path("volumeMounts").toString().contains(config.path("LUCERNA_MODELS_ROOT").asText()));
    for (JsonNode v : d.at("/spec/template/spec/volumes")) {
      one(all, "PersistentVolumeClaim", v.at("/persistentVolumeClaim/claimName").asText());
    }
    JsonNode service = one(all, "Service", "lucerna");
    service
        .at("/spec/selector")
        .fields()
        .forEachRemaining(
            e ->
                assertEquals(
                    e.getValue().asText(),
                    d.at("/spec/template/metadata/labels").path(e.getKey()).asText()));
  }

  @Test
  void scaleOutScalesOnQueuedAndRunningJobs() throws IOException {
    List<JsonNode> all = scaleOut();
    JsonNode scaled = one(all, "ScaledObject", "lucerna");
    one(all, "Deployment", scaled.at("/spec/scaleTargetRef/name").asText());
    assertTrue(scaled.at("/spec/minReplicaCount").asInt() >= 1, "the pods serve the API too");
    JsonNode trigger = scaled.at("/spec/triggers/0");
    assertEquals("postgresql", trigger.get("type").asText());
    String query = trigger.at("/metadata/query").asText();
    assertTrue(
        query.contains("lucerna_job") && query.contains("'QUEUED'") && query.contains("'RUNNING'"),
        query);
    JsonNode auth =
        one(all, "TriggerAuthentication", trigger.at("/authenticationRef/name").asText());
    JsonNode ref = auth.at("/spec/secretTargetRef/0");
    JsonNode secret = one(all, "Secret", ref.get("name").asText());
    assertTrue(secret.at("/stringData").has(ref.get("key").asText()), "the password's key");
  }

  /** Quarkus's environment form of a key: non-alphanumerics become underscores, upper case. */
  static String envName(String key) {
    return key.replaceAll("[^A-Za-z0-9]", "_").toUpperCase(Locale.ROOT);
  }

  private static List<JsonNode> kind(String kind) {
    return manifests.stream().filter(m -> m.get("kind").asText().equals(kind)).toList();
  }

  private static JsonNode configMap() {
    return kind("ConfigMap").get(0);
  }

  private static List<JsonNode> deployments() {
    List<JsonNode> all = kind("Deployment");
    assertEquals(2, all.size(), "a CPU and a GPU deployment");
    return all;
  }

  /** The Deployment read from {@code k8s/<file>.yaml}. */
  private static JsonNode deployment(String file) {
    YAMLMapper yaml = new YAMLMapper();
    try (var docs =
        yaml.readerFor(JsonNode.class).<JsonNode>readValues(K8S.resolve(file + ".yaml").toFile())) {
      return docs.readAll().stream()
          .filter(d -> d != null && "Deployment".equals(d.path("kind").asText()))
          .findFirst()
          .orElseThrow(() -> new AssertionError("no Deployment in " + file));
    } catch (IOException e) {
      throw new AssertionError(e);
    }
  }

  private static JsonNode container(JsonNode deployment) {
    JsonNode containers = deployment.at("/spec/template/spec/containers");
    assertEquals(1, containers.size());
    return containers.get(0);
  }

  private static String name(JsonNode manifest) {
    return manifest.at("/metadata/name").asText();
  }

  /** What the container sees: the ConfigMap it reads with envFrom, then its own env over it. */
  private static Map<String, String> environment(JsonNode container) {
    Map<String, String> env = new HashMap<>();
    container
        .path("envFrom")
        .forEach(
            from -> {
              String map = from.at("/configMapRef/name").asText();
              kind("ConfigMap").stream()
                  .filter(m -> name(m).equals(map))
                  .forEach(
                      m ->
                          m.get("data")
                              .fields()
                              .forEachRemaining(e -> env.put(e.getKey(), e.getValue().asText())));
            });
    container.path("env").forEach(e -> env.put(e.get("name").asText(), e.path("value").asText()));
    return env;
  }

  private static int httpPort() {
    List<Integer> ports = new ArrayList<>();
    for (JsonNode d : kind("Deployment")) {
      container(d).path("ports").forEach(p -> ports.add(p.get("containerPort").asInt()));
    }
    assertEquals(1, ports.stream().distinct().count(), "one container port: " + ports);
    return ports.get(0);
  }

  /** A port given by number or by the name of a container port. */
  private static int resolvePort(JsonNode container, JsonNode port) {
    if (port.isInt()) {
      return port.asInt();
    }
    for (JsonNode p : container.path("ports")) {
      if (p.path("name").asText().equals(port.asText())) {
        return p.get("containerPort").asInt();
      }
    }
    throw new AssertionError("no container port named " + port);
  }

  private static List<String> fieldNames(JsonNode node) {
    List<String> names = new ArrayList<>();
    node.fieldNames().forEachRemaining(names::add);
    return names;
  }

  private static List<Path> dockerfiles() {
    return List.of(DOCKER.resolve("Dockerfile"), DOCKER.resolve("Dockerfile.gpu"));
  }
}
