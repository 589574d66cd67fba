package org.lucerna.bench;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.OptionalLong;
import org.lucerna.model.ModelRegistry;
import org.lucerna.model.ModelRepository;
import org.lucerna.model.PreparedModel;

/** The {@code --key value} arguments of the quality tools, and the model they name. */
final class StudyArgs {
  private final Map<String, String> values = new HashMap<>();

  StudyArgs(String[] args) {
    for (int i = 0; i + 1 < args.length; i += 2) {
      values.put(args[i].replaceFirst("^--", ""), args[i + 1]);
    }
  }

  String get(String key, String otherwise) {
    return values.getOrDefault(key, otherwise);
  }

  /** {@code --model} (default inception_v3) from the repository at {@code --root} (models). */
  PreparedModel model() {
    return new ModelRegistry(new ModelRepository(Path.of(get("root", "models"))))
        .get(get("model", "inception_v3"), OptionalLong.empty());
  }
}
