package org.lucerna.optvis.param;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.JsonSerializer;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.annotation.JsonDeserialize;
import com.fasterxml.jackson.databind.annotation.JsonSerialize;
import java.io.IOException;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import org.lucerna.optvis.FormatLimits;
import org.lucerna.optvis.SpecFields;
import org.lucerna.optvis.SpecFormatException;
import org.lucerna.optvis.SpecPaths;
import org.tensorflow.ndarray.Shape;

/**
 * What a request says about the image parametrization.
 *
 * @param kind how parameters become pixels: a frequency basis or the pixels themselves
 * @param decay frequency decay of the Fourier basis (0 = every frequency equally easy to change);
 *     ignored by {@link Kind#PIXEL}, {@link Kind#MACO} and {@link Kind#CPPN}
 * @param decorrelate whether the three channels go through ImageNet's color correlation; applies to
 *     RGB (3-channel) images only and is ignored for any other channel count, since the color
 *     statistics describe RGB
 * @param squash how values are brought into the image range
 * @param gain factor inside the sigmoid, {@code sigmoid(gain·x)}; ignored by {@link Squash#CLIP}
 *     <p>Its JSON, in requests and job documents: {@code {"type": "fourier", "decay": 1.0,
 *     "decorrelate": true, "squash": "sigmoid", "gain": 0.5}}, every field optional when read
 *     (decay defaults to 0 for a pixel basis, decorrelate to false for a CPPN, gain to 1 for every
 *     kind but Fourier), all of them written.
 */
@JsonDeserialize(using = ParamSpec.Reader.class)
@JsonSerialize(using = ParamSpec.Writer.class)
public record ParamSpec(Kind kind, double decay, boolean decorrelate, Squash squash, double gain) {
  /**
   * Fourier basis with decay 1, decorrelated colors, sigmoid with gain 0.5: with the default
   * learning rate schedule, the recipe whose activation rises with the steps asked for without
   * burning out (README, "Quality per step").
   */
  public static final ParamSpec DEFAULT =
      new ParamSpec(Kind.FOURIER, 1.0, true, Squash.SIGMOID, 0.5);

  /**
   * The sigmoid's gain for the pixel basis, MACO and the CPPN: the one their recipes were made and
   * checked with.
   */
  static final double OTHER_KINDS_GAIN = 1.0;

  private static final Set<String> FIELDS =
      Set.of("type", "decay", "decorrelate", "squash", "gain");

  /** How parameters become pixels; each kind builds its {@link Basis}. */
  public enum Kind {
    FOURIER {
      @Override
      Basis basis(ParamSpec spec, int batch, int height, int width, int channels) {
        return new FourierSpectrum(batch, height, width, channels, spec.decay());
      }
    },
    PIXEL {
      @Override
      Basis basis(ParamSpec spec, int batch, int height, int width, int channels) {
        return new PixelBasis(Shape.of(batch, height, width, channels));
      }
    },
    /** A fixed natural-image magnitude spectrum, the phase optimized (see {@link MacoSpectrum}). */
    MACO {
      @Override
      Basis basis(ParamSpec spec, int batch, int height, int width, int channels) {
        return new MacoSpectrum(batch, height, width, channels);
      }

      @Override
      public String whyNoStartImage() {
        return "its magnitude spectrum is fixed";
      }
    },
    /**
     * A small network of the pixel coordinates (see {@link Cppn}): a finished render can be drawn
     * again at any size.
     */
    CPPN {
      @Override
      Basis basis(ParamSpec spec, int batch, int height, int width, int channels) {
        return new Cppn(batch, height, width, channels);
      }

      @Override
      public String whyNoStartImage() {
        return "its pixels are a network of their coordinates, whose weights no picture gives";
      }

      @Override
      public boolean redrawable() {
        return true;
      }
    };

    /**
     * Whether a finished render of this kind can be drawn again at another size from its final
     * parameters: its pixels are a function of their coordinates.
     */
    public boolean redrawable() {
      return false;
    }

    /** Whether a render of this kind can start from a picture (its map has an inverse). */
    public boolean startsFromPicture() {
      return whyNoStartImage() == null;
    }

    /** Why a render of this kind cannot start from a picture, or null when it can. */
    public String whyNoStartImage() {
      return null;
    }

    abstract Basis basis(ParamSpec spec, int batch, int height, int width, int channels);
  }

  public enum Squash {
    /** {@code sigmoid(gain·x)}: values in the open interval (0, 1), gradient everywhere. */
    SIGMOID,
    /**
     * Clip to [0, 1] forward; the gradient passes unchanged (straight-through), so clipped pixels
     * can return.
     */
    CLIP
  }

  public ParamSpec {
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(squash, "squash");
    if (!(decay >= 0 && decay <= FormatLimits.MAX_DECAY)) {
      throw new IllegalArgumentException(
          "decay must be between 0 and " + FormatLimits.MAX_DECAY + ", got " + decay);
    }
    if (!(gain > 0 && gain <= FormatLimits.MAX_GAIN)) {
      throw new IllegalArgumentException(
          "gain must be greater than 0 and at most "
              + (int) FormatLimits.MAX_GAIN
              + ", got "
              + gain);
    }
  }

  /** The same settings with a pixel basis. */
  public static ParamSpec pixel(boolean decorrelate, Squash squash) {
    return new ParamSpec(Kind.PIXEL, DEFAULT.decay, decorrelate, squash, OTHER_KINDS_GAIN);
  }

  public ParamSpec withDecay(double newDecay) {
    return new ParamSpec(kind, newDecay, decorrelate, squash, gain);
  }

  public ParamSpec withGain(double newGain) {
    return new ParamSpec(kind, decay, decorrelate, squash, newGain);
  }

  public ParamSpec withDecorrelate(boolean newDecorrelate) {
    return new ParamSpec(kind, decay, newDecorrelate, squash, gain);
  }

  public ParamSpec withSquash(Squash newSquash) {
    return new ParamSpec(kind, decay, decorrelate, newSquash, gain);
  }

  /**
   * Reads the request form where it stands in the JSON, its errors naming its path ({@code
   * param.type}).
   */
  static final class Reader extends JsonDeserializer<ParamSpec> {
    @Override
    public ParamSpec deserialize(JsonParser p, DeserializationContext c) throws IOException {
      String path = SpecPaths.of(p);
      SpecFields f = SpecFields.of(SpecFields.read(p), path);
      if (f == null) {
        throw new SpecFormatException(path, "must be an object such as {\"type\": \"fourier\"}");
      }
      f.onlyKnown(FIELDS);
      Kind kind = f.choice("type", Kind.class, DEFAULT.kind());
      Squash squash = f.choice("squash", Squash.class, DEFAULT.squash());
      double decay = f.number("decay", kind == Kind.PIXEL ? 0 : DEFAULT.decay());
      // Lucid's CPPN has no color correlation: its last layer mixes the channels anyway.
      boolean decorrelate = f.bool("decorrelate", kind != Kind.CPPN && DEFAULT.decorrelate());
      double gain = f.number("gain", kind == Kind.FOURIER ? DEFAULT.gain() : OTHER_KINDS_GAIN);
      try {
        return new ParamSpec(kind, decay, decorrelate, squash, gain);
      } catch (IllegalArgumentException e) {
        throw new SpecFormatException(path, e.getMessage());
      }
    }
  }

  /** Writes the request form with every field. */
  static final class Writer extends JsonSerializer<ParamSpec> {
    @Override
    public void serialize(ParamSpec p, JsonGenerator g, SerializerProvider s) throws IOException {
      g.writeStartObject();
      g.writeStringField("type", p.kind().name().toLowerCase(Locale.ROOT));
      g.writeNumberField("decay", p.decay());
      g.writeBooleanField("decorrelate", p.decorrelate());
      g.writeStringField("squash", p.squash().name().toLowerCase(Locale.ROOT));
      g.writeNumberField("gain", p.gain());
      g.writeEndObject();
    }
  }
}
