package org.lucerna.bench;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import org.lucerna.ui.Browser;

/**
 * Takes the README's screenshot of a layer's channel grid on a real model: opens the page of a
 * running service in headless Chromium, presses "Render this page" (one sweep of the page's
 * channels) and takes the screenshot once {@code --tiles} tiles show their images. The browser
 * tests take theirs on the built-in tiny model; a page of InceptionV3 channels costs minutes of
 * CPU, so it is made here, against a service started as the README says.
 *
 * <p>Arguments: {@code --url http://localhost:8080 --model inception_v3 --layer mixed4 --page 0
 * --tiles 24 --minutes 40 --out src/site/ui/layer-grid-inception_v3.png}.
 */
public final class GridScreenshot {
  private GridScreenshot() {}

  public static void main(String[] args) throws Exception {
    Map<String, String> a = new HashMap<>();
    for (int i = 0; i + 1 < args.length; i += 2) {
      a.put(args[i].replaceFirst("^--", ""), args[i + 1]);
    }
    URI url = URI.create(a.getOrDefault("url", "http://localhost:8080"));
    String model = a.getOrDefault("model", "inception_v3");
    String layer = a.getOrDefault("layer", "mixed4");
    int page = Integer.parseInt(a.getOrDefault("page", "0"));
    int tiles = Integer.parseInt(a.getOrDefault("tiles", "24"));
    Duration limit = Duration.ofMinutes(Long.parseLong(a.getOrDefault("minutes", "40")));
    Path out = Path.of(a.getOrDefault("out", "src/site/ui/layer-grid-" + model + ".png"));

    long t0 = System.nanoTime();
    try (Browser b = Browser.open(url.toURL())) {
      b.go("#/m/" + model + "/" + layer + "?page=" + page);
      b.await("#tiles .tile");
      b.find("#render-page").click();
      b.until(
          limit,
          d ->
              ((Number)
                              b.js(
                                  "return [...document.querySelectorAll('#tiles .tile img')]"
                                      + ".filter(i => i.complete && i.naturalWidth > 0).length"))
                          .intValue()
                      >= tiles
                  ? true
                  : null);
      Path shot = b.screenshot("layer-grid-" + model);
      Files.createDirectories(out.toAbsolutePath().getParent());
      Files.copy(shot, out, StandardCopyOption.REPLACE_EXISTING);
      System.out.printf(
          Locale.ROOT,
          "%s %s page %d: %d tiles rendered after %.0f s, screenshot %s%n",
          model,
          layer,
          page,
          tiles,
          (System.nanoTime() - t0) / 1e9,
          out);
    }
  }
}
