/**
 * The feature-visualization optimizer as a library: objectives, image parametrizations, random
 * transforms, and the {@link org.lucerna.optvis.Plan} that compiles them with a prepared model into
 * one TensorFlow graph and runs the optimization loop. No HTTP and no job bookkeeping live here; a
 * plain {@code main} can render with it.
 */
package org.lucerna.optvis;
