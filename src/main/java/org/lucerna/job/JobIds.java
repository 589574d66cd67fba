package org.lucerna.job;

import java.security.SecureRandom;
import java.time.Instant;

/**
 * Job ids that sort by creation time and are unique across instances without coordination: 48 bits
 * of milliseconds and 80 random bits, in Crockford's base 32 (the ULID layout), 26 characters.
 */
public final class JobIds {
  private static final char[] ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ".toCharArray();
  private static final SecureRandom RANDOM = new SecureRandom();

  private JobIds() {}

  public static String next(Instant now) {
    byte[] random = new byte[10];
    RANDOM.nextBytes(random);
    char[] out = new char[26];
    long millis = now.toEpochMilli();
    for (int i = 9; i >= 0; i--) {
      out[i] = ALPHABET[(int) (millis & 31)];
      millis >>>= 5;
    }
    long hi = 0;
    for (int i = 0; i < 5; i++) {
      hi = (hi << 8) | (random[i] & 0xff);
    }
    long lo = 0;
    for (int i = 5; i < 10; i++) {
      lo = (lo << 8) | (random[i] & 0xff);
    }
    for (int i = 17; i >= 10; i--) {
      out[i] = ALPHABET[(int) (hi & 31)];
      hi >>>= 5;
    }
    for (int i = 25; i >= 18; i--) {
      out[i] = ALPHABET[(int) (lo & 31)];
      lo >>>= 5;
    }
    return new String(out);
  }

  /** Whether {@code text} has the form of an id, checked before it is used as a key or a path. */
  public static boolean isWellFormed(String text) {
    return text != null && text.matches("[0-9A-HJKMNP-TV-Z]{26}");
  }
}
