package org.lucerna.optvis.param;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.HexFormat;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;

class StartImageTest {
  private static final int RED = 0xff0000;
  private static final int GREEN = 0x00ff00;
  private static final int BLUE = 0x0000ff;

  @Test
  void aPngOfTheRightSizeDecodesToItsExactLevels() {
    BufferedImage img = new BufferedImage(2, 1, BufferedImage.TYPE_INT_RGB);
    img.setRGB(0, 0, 0x102030);
    img.setRGB(1, 0, 0xff8000);
    float[] v = decode(encode(img, "png"), 1, 2, 3);
    assertArrayEquals(
        new float[] {0x10 / 255f, 0x20 / 255f, 0x30 / 255f, 1f, 0x80 / 255f, 0f}, v, 1e-7f);
  }

  @Test
  void aDecodedImageMapsToParametersForAWholeBatch() {
    BufferedImage img = new BufferedImage(3, 2, BufferedImage.TYPE_INT_RGB);
    img.setRGB(1, 1, 0x80ff00);
    float[] one = decode(encode(img, "png"), 2, 3, 3);
    float[] batch = StartImage.repeat(one, 2);
    assertArrayEquals(one, Arrays.copyOfRange(batch, 18, 36));
    ImageParametrization p = ImageParametrization.of(ParamSpec.DEFAULT, 2, 2, 3, 3);
    float[] back =
        GraphRunner.run(p.parameterShape(), p.parametersFor(batch), (tf, x) -> p.image(tf, x));
    for (int i = 0; i < batch.length; i++) {
      assertEquals(Math.round(batch[i] * 255), Math.round(back[i] * 255), "value " + i);
    }
  }

  @Test
  void aWiderPictureIsScaledToCoverAndItsCentreCropped() {
    // Columns red, green, green, blue: a 2×2 render keeps the two middle columns.
    BufferedImage img = new BufferedImage(4, 2, BufferedImage.TYPE_INT_RGB);
    int[] columns = {RED, GREEN, GREEN, BLUE};
    for (int x = 0; x < 4; x++) {
      for (int y = 0; y < 2; y++) {
        img.setRGB(x, y, columns[x]);
      }
    }
    float[] v = decode(encode(img, "png"), 2, 2, 3);
    for (int pixel = 0; pixel < 4; pixel++) {
      assertArrayEquals(
          new float[] {0, 1, 0}, Arrays.copyOfRange(v, pixel * 3, pixel * 3 + 3), 1e-7f);
    }
  }

  @Test
  void aLargePictureIsAveragedDownAndKeepsItsMeanColor() {
    BufferedImage img = new BufferedImage(64, 64, BufferedImage.TYPE_INT_RGB);
    for (int x = 0; x < 64; x++) {
      for (int y = 0; y < 64; y++) {
        img.setRGB(x, y, (x + y) % 2 == 0 ? 0xffffff : 0x000000);
      }
    }
    float[] v = decode(encode(img, "png"), 4, 4, 1);
    for (float gray : v) {
      assertEquals(0.5, gray, 0.05);
    }
  }

  @Test
  void grayLevelsAreKeptNotGammaShifted() {
    BufferedImage img = new BufferedImage(2, 1, BufferedImage.TYPE_BYTE_GRAY);
    img.getRaster().setSample(0, 0, 0, 64);
    img.getRaster().setSample(1, 0, 0, 200);
    assertArrayEquals(
        new float[] {64 / 255f, 200 / 255f}, decode(encode(img, "png"), 1, 2, 1), 1e-6f);
    assertArrayEquals(
        new float[] {64 / 255f, 64 / 255f, 64 / 255f, 1f},
        Arrays.copyOf(decode(encode(img, "png"), 1, 2, 4), 4),
        1e-6f);
  }

  @Test
  void aJpegDecodesCloseToItsColors() {
    BufferedImage img = new BufferedImage(16, 16, BufferedImage.TYPE_INT_RGB);
    for (int x = 0; x < 16; x++) {
      for (int y = 0; y < 16; y++) {
        img.setRGB(x, y, 0x4080c0);
      }
    }
    float[] v = decode(encode(img, "jpg"), 8, 8, 3);
    assertEquals(0x40 / 255f, v[0], 0.03);
    assertEquals(0x80 / 255f, v[1], 0.03);
    assertEquals(0xc0 / 255f, v[2], 0.03);
  }

  @Test
  void whatCannotBeUsedIsRefusedWithWhatToDo() {
    StartImageException garbage =
        assertThrows(StartImageException.class, () -> decode(new byte[] {1, 2, 3}, 4, 4, 3));
    assertTrue(garbage.getMessage().contains("PNG or JPEG"), garbage.getMessage());
    BufferedImage img = new BufferedImage(2, 2, BufferedImage.TYPE_INT_RGB);
    StartImageException channels =
        assertThrows(StartImageException.class, () -> decode(encode(img, "png"), 2, 2, 5));
    assertTrue(channels.getMessage().contains("takes 5"), channels.getMessage());
  }

  @Test
  void theHeadersPixelCountIsCheckedAgainstTheGivenLimitAndTheHashIsTheFiles() {
    byte[] png = encode(new BufferedImage(30, 20, BufferedImage.TYPE_INT_RGB), "png");
    StartImageException large =
        assertThrows(StartImage.TooLargeException.class, () -> StartImage.read(png, 599));
    assertEquals("the picture has 600 pixels; at most 599 are accepted", large.getMessage());
    // Only the header is there: the count is refused before any decoding would fail.
    assertThrows(
        StartImage.TooLargeException.class, () -> StartImage.read(Arrays.copyOf(png, 33), 599));
    StartImage image = StartImage.read(png, 600);
    assertEquals(HexFormat.of().formatHex(sha256(png)), image.sha256());
    assertArrayEquals(png, image.bytes());
  }

  private static byte[] sha256(byte[] bytes) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(bytes);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private static float[] decode(byte[] file, int height, int width, int channels) {
    return StartImage.read(file, Long.MAX_VALUE).pixels(height, width, channels);
  }

  private static byte[] encode(BufferedImage img, String format) {
    try {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      assertTrue(ImageIO.write(img, format, out));
      return out.toByteArray();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
