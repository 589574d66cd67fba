package org.lucerna.api;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import org.jboss.resteasy.reactive.RestPath;
import org.jboss.resteasy.reactive.RestQuery;
import org.lucerna.api.ModelDocuments.InputDocument;
import org.lucerna.api.ModelDocuments.LayerDocument;
import org.lucerna.api.ModelDocuments.LayerList;
import org.lucerna.api.ModelDocuments.MetadataDocument;
import org.lucerna.api.ModelDocuments.ModelDocument;
import org.lucerna.api.ModelDocuments.ModelList;
import org.lucerna.api.ModelDocuments.ModelSummary;
import org.lucerna.api.ModelDocuments.VersionDocument;
import org.lucerna.model.ModelException;
import org.lucerna.model.ModelFile;
import org.lucerna.model.ModelId;
import org.lucerna.model.ModelMetadata;
import org.lucerna.model.ModelRegistry;
import org.lucerna.model.ModelRepository;
import org.lucerna.model.PreparedModel;

/**
 * The model repository over HTTP, in the manner of TensorFlow Serving's model status API: the
 * models, each one's versions and their states, its input and metadata, its layers; explicit load
 * and unload.
 */
@Path("/models")
@Produces(MediaType.APPLICATION_JSON)
public class ModelResource {
  private final ModelRegistry registry;

  public ModelResource(ModelRegistry registry) {
    this.registry = registry;
  }

  @GET
  public ModelList list() {
    List<ModelSummary> models = new ArrayList<>();
    for (String name : registry.repository().names()) {
      List<Long> versions;
      try {
        versions = registry.repository().versions(name);
      } catch (ModelException e) {
        continue; // removed since it was listed
      }
      if (versions.isEmpty()) {
        models.add(new ModelSummary(name, versions, null, null, null, links(name)));
        continue;
      }
      long served = versions.get(versions.size() - 1);
      ModelRegistry.VersionState state = registry.state(new ModelId(name, served));
      models.add(
          new ModelSummary(
              name,
              versions,
              served,
              state.state().name(),
              org.lucerna.model.ErrorText.redact(state.reason()),
              links(name)));
    }
    return new ModelList(models);
  }

  /**
   * A model and its versions. Asking for a model that is not loaded starts loading it, so that its
   * state moves on to AVAILABLE (or FAILED) and its input appears.
   */
  @GET
  @Path("/{name}")
  public ModelDocument get(@RestPath String name, @RestQuery Long version) {
    ModelRepository.Location location = registry.repository().resolve(name, versionOf(version));
    if (registry.state(location.id()).state() == ModelRegistry.State.UNLOADED) {
      registry.load(name, OptionalLong.of(location.id().version())).exceptionally(e -> null);
    }
    return document(location);
  }

  @GET
  @Path("/{name}/layers")
  public LayerList layers(@RestPath String name, @RestQuery Long version) {
    PreparedModel model = registry.get(name, versionOf(version));
    Map<String, String> display = model.metadata().displayNames();
    return new LayerList(
        name,
        model.id().version(),
        model.layers().all().stream().map(l -> LayerDocument.of(l, display)).toList());
  }

  /** Loads a version (again, if it failed before) and answers once it is AVAILABLE. */
  @POST
  @Path("/{name}/load")
  public ModelDocument load(@RestPath String name, @RestQuery Long version) {
    PreparedModel model = registry.loadAndWait(name, versionOf(version));
    return document(registry.repository().resolve(name, OptionalLong.of(model.id().version())));
  }

  /** Drops a version from memory; the next request that needs it loads it again. */
  @POST
  @Path("/{name}/unload")
  public ModelDocument unload(@RestPath String name, @RestQuery Long version) {
    registry.unload(name, versionOf(version));
    return document(registry.repository().resolve(name, versionOf(version)));
  }

  private ModelDocument document(ModelRepository.Location location) {
    String name = location.id().name();
    List<VersionDocument> versions =
        registry.versions(name).stream().map(VersionDocument::of).toList();
    InputDocument input = registry.loaded(location.id()).map(InputDocument::of).orElse(null);
    ModelMetadata metadata;
    try {
      metadata =
          registry
              .loaded(location.id())
              .map(PreparedModel::metadata)
              .orElseGet(() -> ModelFile.read(location.dir()).metadata());
    } catch (ModelException e) {
      metadata = null; // the version's state says what is wrong with its file
    }
    return new ModelDocument(
        name,
        location.id().version(),
        versions,
        input,
        metadata == null ? null : MetadataDocument.of(metadata),
        links(name));
  }

  private static OptionalLong versionOf(Long version) {
    if (version == null) {
      return OptionalLong.empty();
    }
    if (version < 0) {
      throw new ModelException.NotFound("version must be a positive whole number, got " + version);
    }
    return OptionalLong.of(version);
  }

  private static Map<String, String> links(String name) {
    return Map.of(
        "self",
        "/models/" + name,
        "layers",
        "/models/" + name + "/layers",
        "load",
        "/models/" + name + "/load",
        "unload",
        "/models/" + name + "/unload");
  }
}
