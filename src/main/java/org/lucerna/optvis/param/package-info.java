/**
 * Image parametrizations: how the trainable values of a render become an image batch {@code [B, H,
 * W, C]} with values in (0, 1). {@link org.lucerna.optvis.param.ParamSpec} is what a request says;
 * {@link org.lucerna.optvis.param.ImageParametrization} compiles it for one shape through its
 * kind's basis ({@code FourierSpectrum}, {@code PixelBasis}, {@code MacoSpectrum}, {@code Cppn}),
 * builds the graph ops from parameters to image and maps a starting image back to parameters
 * exactly (for the linear kinds); {@link org.lucerna.optvis.param.StartImage} reads an uploaded PNG
 * or JPEG once and fits it to an image.
 *
 * <p>Everything here is pure Java plus graph building: no Session, no variables (the plan owns
 * those), no random transforms (see {@code org.lucerna.optvis.transform}).
 */
package org.lucerna.optvis.param;
