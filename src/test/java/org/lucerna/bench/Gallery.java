package org.lucerna.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;

/**
 * Renders a gallery through a running service, as a notebook user would: one job per layer (channel
 * {@code --channel} of each), each image saved, and a labelled collage of them all. Not a test.
 *
 * <p>Arguments: {@code --url http://localhost:8080 --model inception_v3 --layers mixed0,mixed2,...
 * --channel 97 --size 224 --steps 256 --out target/gallery [--param '{"gain": 1}']}.
 */
public final class Gallery {
  private static final ObjectMapper JSON = new ObjectMapper();

  public static void main(String[] args) throws Exception {
    Map<String, String> a = new HashMap<>();
    for (int i = 0; i + 1 < args.length; i += 2) {
      a.put(args[i].replaceFirst("^--", ""), args[i + 1]);
    }
    URI base = URI.create(a.getOrDefault("url", "http://localhost:8080"));
    String host = base.getHost();
    if (!host.equals("localhost") && !host.startsWith("127.") && !host.equals("[::1]")) {
      throw new IllegalArgumentException("only loopback URLs: " + base);
    }
    String model = a.getOrDefault("model", "inception_v3");
    List<String> layers =
        List.of(a.getOrDefault("layers", "mixed0,mixed2,mixed4,mixed6,mixed8,mixed10").split(","));
    int channel = Integer.parseInt(a.getOrDefault("channel", "97"));
    int size = Integer.parseInt(a.getOrDefault("size", "224"));
    int steps = Integer.parseInt(a.getOrDefault("steps", "256"));
    String param = a.getOrDefault("param", "null");
    Path out = Path.of(a.getOrDefault("out", "target/gallery"));
    Files.createDirectories(out);
    HttpClient http = HttpClient.newHttpClient();

    List<String> ids = new ArrayList<>();
    for (String layer : layers) {
      String body =
          "{\"model\": \""
              + model
              + "\", \"objective\": \""
              + layer
              + ":"
              + channel
              + "\", \"size\": "
              + size
              + ", \"steps\": "
              + steps
              + ", \"seed\": 1, \"transforms\": \"standard\", \"param\": "
              + param
              + "}";
      HttpResponse<String> r =
          http.send(
              HttpRequest.newBuilder(base.resolve("/visualize"))
                  .header("Content-Type", "application/json")
                  .POST(HttpRequest.BodyPublishers.ofString(body))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      if (r.statusCode() / 100 != 2) {
        throw new IllegalStateException(layer + ": " + r.statusCode() + " " + r.body());
      }
      ids.add(JSON.readTree(r.body()).get("id").asText());
    }
    List<BufferedImage> images = new ArrayList<>();
    for (int i = 0; i < layers.size(); i++) {
      long start = System.nanoTime();
      JsonNode job;
      do {
        Thread.sleep(1000);
        job =
            JSON.readTree(
                http.send(
                        HttpRequest.newBuilder(base.resolve("/jobs/" + ids.get(i))).build(),
                        HttpResponse.BodyHandlers.ofString())
                    .body());
      } while (!job.get("status").asText().matches("SUCCEEDED|FAILED|CANCELLED"));
      if (!job.get("status").asText().equals("SUCCEEDED")) {
        throw new IllegalStateException(layers.get(i) + ": " + job);
      }
      byte[] png =
          http.send(
                  HttpRequest.newBuilder(base.resolve("/jobs/" + ids.get(i) + "/image")).build(),
                  HttpResponse.BodyHandlers.ofByteArray())
              .body();
      Files.write(out.resolve(model + "-" + layers.get(i) + "-" + channel + ".png"), png);
      images.add(ImageIO.read(new ByteArrayInputStream(png)));
      System.out.printf(
          "%s:%d  objective %.2f  %.1f steps/s  (waited %.0f s)%n",
          layers.get(i),
          channel,
          job.at("/progress/objective").asDouble(),
          job.at("/progress/stepsPerSecond").asDouble(),
          (System.nanoTime() - start) / 1e9);
    }
    Files.write(out.resolve(model + "-collage.png"), collage(images, layers, channel));
    System.out.println("wrote " + out.toAbsolutePath());
  }

  /** The images side by side in rows of up to three, each labelled with its layer. */
  static byte[] collage(List<BufferedImage> images, List<String> labels, int channel)
      throws Exception {
    int tile = 160;
    int label = 18;
    int columns = Math.min(3, images.size());
    int rows = (images.size() + columns - 1) / columns;
    BufferedImage c =
        new BufferedImage(columns * tile, rows * (tile + label), BufferedImage.TYPE_INT_RGB);
    Graphics2D g = c.createGraphics();
    g.setRenderingHint(
        RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BICUBIC);
    g.setColor(Color.WHITE);
    g.fillRect(0, 0, c.getWidth(), c.getHeight());
    g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 13));
    for (int i = 0; i < images.size(); i++) {
      int x = (i % columns) * tile;
      int y = (i / columns) * (tile + label);
      g.drawImage(images.get(i), x, y + label, tile, tile, null);
      g.setColor(Color.BLACK);
      g.drawString(labels.get(i) + ":" + channel, x + 4, y + 14);
    }
    g.dispose();
    java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
    ImageIO.write(c, "png", out);
    return out.toByteArray();
  }
}
