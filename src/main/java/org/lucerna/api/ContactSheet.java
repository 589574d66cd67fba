package org.lucerna.api;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Optional;
import java.util.function.IntFunction;
import javax.imageio.ImageIO;

/**
 * A page of a sweep's channels in one PNG: 8 tiles a row, each channel's image above its number. A
 * channel not rendered yet is a grey tile. The digits are drawn from a 3×5 pixel font here, since a
 * headless server may have no fonts installed for AWT to draw text with.
 */
final class ContactSheet {
  static final int COLUMNS = 8;
  private static final int GAP = 2;
  private static final int SCALE = 2;
  private static final int LABEL = 5 * SCALE + 4;
  private static final int BACKGROUND = 0xFFFFFF;
  private static final int PENDING = 0xC8C8C8;
  private static final int INK = 0x000000;

  // Rows of 3 bits, top to bottom, for 0-9.
  private static final int[][] DIGITS = {
    {7, 5, 5, 5, 7}, {2, 6, 2, 2, 7}, {7, 1, 7, 4, 7}, {7, 1, 7, 1, 7}, {5, 5, 7, 1, 1},
    {7, 4, 7, 1, 7}, {7, 4, 7, 5, 7}, {7, 1, 1, 1, 1}, {7, 5, 7, 5, 7}, {7, 5, 7, 1, 7}
  };

  private ContactSheet() {}

  /**
   * @param png each channel's PNG, empty while it is not rendered
   */
  static byte[] draw(
      List<Integer> channels, int height, int width, IntFunction<Optional<byte[]>> png) {
    int rows = (channels.size() + COLUMNS - 1) / COLUMNS;
    int cols = Math.min(COLUMNS, channels.size());
    int cellW = Math.max(width, 4 * 4 * SCALE) + GAP; // room for a 4-digit number
    int cellH = height + LABEL + GAP;
    BufferedImage sheet =
        new BufferedImage(cols * cellW + GAP, rows * cellH + GAP, BufferedImage.TYPE_INT_RGB);
    fill(sheet, 0, 0, sheet.getWidth(), sheet.getHeight(), BACKGROUND);
    for (int i = 0; i < channels.size(); i++) {
      int x = GAP + (i % COLUMNS) * cellW;
      int y = GAP + (i / COLUMNS) * cellH;
      Optional<BufferedImage> tile = png.apply(channels.get(i)).map(ContactSheet::decode);
      if (tile.isPresent()) {
        BufferedImage t = tile.get();
        for (int ty = 0; ty < Math.min(height, t.getHeight()); ty++) {
          for (int tx = 0; tx < Math.min(width, t.getWidth()); tx++) {
            sheet.setRGB(x + tx, y + ty, t.getRGB(tx, ty));
          }
        }
      } else {
        fill(sheet, x, y, width, height, PENDING);
      }
      label(sheet, Integer.toString(channels.get(i)), x + 1, y + height + 2);
    }
    try {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      ImageIO.write(sheet, "png", out);
      return out.toByteArray();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static BufferedImage decode(byte[] png) {
    try {
      return ImageIO.read(new ByteArrayInputStream(png));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void fill(BufferedImage img, int x, int y, int w, int h, int rgb) {
    for (int j = y; j < y + h; j++) {
      for (int i = x; i < x + w; i++) {
        img.setRGB(i, j, rgb);
      }
    }
  }

  private static void label(BufferedImage img, String digits, int x, int y) {
    for (int d = 0; d < digits.length(); d++) {
      int[] glyph = DIGITS[digits.charAt(d) - '0'];
      int gx = x + d * 4 * SCALE;
      for (int row = 0; row < 5; row++) {
        for (int col = 0; col < 3; col++) {
          if ((glyph[row] >> (2 - col) & 1) == 1) {
            int px = gx + col * SCALE;
            int py = y + row * SCALE;
            if (px + SCALE <= img.getWidth() && py + SCALE <= img.getHeight()) {
              fill(img, px, py, SCALE, SCALE, INK);
            }
          }
        }
      }
    }
  }
}
