/**
 * Random transformations applied to the image before the model sees it (Lucid's transform
 * robustness): pad, jitter, random scale, random rotate, MACO's crops and noise, and the final fit
 * to a model's fixed input size. Each kind is one record implementing {@link
 * org.lucerna.optvis.transform.TransformSpec}: its JSON, its checks, the sizes it can give and its
 * graph step; {@link org.lucerna.optvis.transform.Transforms} registers the kinds and has the
 * factories and the standard list, {@link org.lucerna.optvis.transform.TransformList} is a
 * request's list ("standard", "none" or [..]), {@link
 * org.lucerna.optvis.transform.TransformPipeline} builds a list into a graph once and feeds each
 * step's random draws.
 *
 * <p>Random values never come from TensorFlow's random ops: they are drawn in Java from the job's
 * seed and fed as placeholders, so a plan is built once and a seed reproduces a render bit for bit.
 * Every op on the image path has a gradient in TensorFlow's C++ registry (no FFT, no
 * ImageProjectiveTransform). Gradient normalization is not here: the plan does it around {@code
 * addGradients}.
 */
package org.lucerna.optvis.transform;
