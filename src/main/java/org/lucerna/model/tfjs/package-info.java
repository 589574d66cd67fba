/**
 * TensorFlow.js layers models (a {@code model.json} with {@code modelTopology} and {@code
 * weightsManifest}, and binary weight shards, as Teachable Machine and {@code tfjs.converter} write
 * them) turned into SavedModels of the model repository, and the model zoo that fetches pretrained
 * ones from the {@code nsfwjs} npm package at build time. Keras layers become TensorFlow ops named
 * by the Keras layer names, so the optimizer finds {@code mixed4} as it would in Lucid.
 *
 * <p>Not here: loading SavedModels (the {@code model} package does that for every model, imported
 * or not) and TF.js graph models ({@code format: graph-model}), which carry no Keras layers.
 */
package org.lucerna.model.tfjs;
