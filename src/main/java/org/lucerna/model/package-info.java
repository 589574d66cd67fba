/**
 * Where models come from and what the optimizer is told about them: the model repository on disk,
 * SavedModel loading and freezing into one flat inference graph, the catalog of layers an objective can
 * name, and the cache of prepared models. Nothing here knows about HTTP or jobs.
 */
package org.lucerna.model;
