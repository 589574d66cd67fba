package org.lucerna.optvis.term;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.stream.Collectors;

/** Every kind of term the JSON format knows: registering a new kind is one line here. */
public final class TermKinds {
  private static final List<TermKind> ALL =
      List.of(
          Channel.KIND,
          Neuron.KIND,
          Direction.KIND,
          WeightedChannels.KIND,
          DeepDream.KIND,
          ClassLogit.KIND,
          Diversity.KIND,
          Alignment.KIND,
          L1.KIND,
          L2.KIND,
          TotalVariation.KIND,
          Blur.KIND,
          Constant.KIND,
          Caricature.KIND,
          StartDistance.KIND);
  private static final Map<String, TermKind> BY_NAME =
      ALL.stream().collect(Collectors.toUnmodifiableMap(TermKind::name, Function.identity()));

  private TermKinds() {}

  public static Optional<TermKind> named(String name) {
    return Optional.ofNullable(BY_NAME.get(name));
  }

  /** The names in alphabetical order, as error messages list them. */
  public static TreeSet<String> names() {
    return new TreeSet<>(BY_NAME.keySet());
  }
}
