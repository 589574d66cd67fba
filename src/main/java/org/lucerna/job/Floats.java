package org.lucerna.job;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/** Float arrays as the bytes the image store keeps: float32, little-endian, nothing else. */
final class Floats {
  private Floats() {}

  static byte[] bytes(float[] values) {
    ByteBuffer b = ByteBuffer.allocate(Float.BYTES * values.length).order(ByteOrder.LITTLE_ENDIAN);
    b.asFloatBuffer().put(values);
    return b.array();
  }

  static float[] floats(byte[] bytes) {
    if (bytes.length % Float.BYTES != 0) {
      throw new IllegalArgumentException(bytes.length + " bytes are no float32 values");
    }
    float[] values = new float[bytes.length / Float.BYTES];
    ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(values);
    return values;
  }
}
