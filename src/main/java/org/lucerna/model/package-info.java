/**
 * Where models come from and what the optimizer is told about them: the model repository on disk,
 * TF1 and TF2 SavedModel loading (function inlining, variable freezing, pruning, the allowed-op
 * check, before TensorFlow loads anything) into one flat inference graph, the catalog of layers an
 * objective can name (by Keras names), the metadata file beside a model, the caches of prepared
 * models in memory and on disk, and the layers' spatial sizes at a given input size ({@link
 * org.lucerna.model.LayerShapes}). Nothing here knows about HTTP or jobs.
 */
package org.lucerna.model;
