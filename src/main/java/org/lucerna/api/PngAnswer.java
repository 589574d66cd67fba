package org.lucerna.api;

import jakarta.ws.rs.core.CacheControl;
import jakarta.ws.rs.core.EntityTag;
import jakarta.ws.rs.core.Response;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** The answers that carry a PNG, so that every image endpoint caches and validates alike. */
final class PngAnswer {
  static final String TYPE = "image/png";

  /** A year: a stored image never changes. */
  private static final int IMMUTABLE_SECONDS = 31_536_000;

  private PngAnswer() {}

  /**
   * A stored image, which never changes: ETag (a hash of the bytes), a year of immutable caching,
   * and 304 when {@code ifNoneMatch} names the tag or is {@code *}.
   */
  static Response immutable(byte[] png, String ifNoneMatch) {
    EntityTag tag = new EntityTag(sha256(png));
    CacheControl cache = new CacheControl();
    cache.setMaxAge(IMMUTABLE_SECONDS);
    cache.getCacheExtension().put("immutable", null);
    if (ifNoneMatch != null
        && (ifNoneMatch.equals("*") || ifNoneMatch.contains("\"" + tag.getValue() + "\""))) {
      return Response.notModified(tag).cacheControl(cache).build();
    }
    return Response.ok(png, TYPE).tag(tag).cacheControl(cache).build();
  }

  /** An image drawn for this answer that may differ on the next ask (a sheet that fills in). */
  static Response changing(byte[] png) {
    CacheControl cache = new CacheControl();
    cache.setNoCache(true);
    return Response.ok(png, TYPE).cacheControl(cache).build();
  }

  private static String sha256(byte[] bytes) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes), 0, 16);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
