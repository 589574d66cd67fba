package org.lucerna.optvis.transform;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.type.TypeFactory;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.lucerna.optvis.SpecFormatException;

/**
 * The transforms' JSON: the request forms, the form written back, and errors that name the field.
 */
class TransformJsonTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** A request's field {@code transforms}. */
  record Request(TransformList transforms) {}

  private static List<TransformSpec> read(String transforms) throws Exception {
    return JSON.readValue("{\"transforms\": " + transforms + "}", Request.class)
        .transforms()
        .specs();
  }

  private static void refused(String transforms, String field, String message) {
    JsonMappingException e = assertThrows(JsonMappingException.class, () -> read(transforms));
    SpecFormatException cause = assertInstanceOf(SpecFormatException.class, e.getCause());
    assertEquals(field, cause.field(), transforms);
    assertEquals(message, cause.getMessage(), transforms);
  }

  @Test
  void theNamedListsAndEachKindReadAndWriteBackAsBefore() throws Exception {
    assertEquals(Transforms.standard(), read("\"standard\""));
    assertEquals(List.of(), read("\"none\""));
    List<TransformSpec> specs =
        List.of(
            Transforms.pad(3, PadMode.REFLECT),
            Transforms.jitter(2),
            Transforms.scale(0.5, 2),
            Transforms.rotate(-45, 90.5));
    String written =
        "[{\"type\":\"pad\",\"width\":3,\"mode\":\"reflect\",\"value\":0.5},{\"type\":\"jitter\",\"pixels\":2},"
            + "{\"type\":\"scale\",\"factors\":[0.5,2.0]},{\"type\":\"rotate\",\"degrees\":[-45.0,90.5]}]";
    assertEquals(written, JSON.writeValueAsString(new TransformList(specs)));
    assertEquals(specs, read(written));
    assertEquals("\"standard\"", JSON.writeValueAsString(TransformList.standard()));
    assertEquals("\"none\"", JSON.writeValueAsString(new TransformList(List.of())));
    // A job's spec keeps the list as it is, the standard one too.
    List<TransformSpec> stored =
        JSON.readValue(
            JSON.writeValueAsString(Transforms.standard()),
            TypeFactory.defaultInstance().constructCollectionType(List.class, TransformSpec.class));
    assertEquals(Transforms.standard(), stored);
    assertEquals(
        List.of(new Pad(1, PadMode.CONSTANT, 0.25)),
        read("[{\"mode\": \"CONSTANT\", \"value\": 0.25, \"type\": \"pad\", \"width\": 1}]"));
  }

  @Test
  void errorsNameTheFieldAsBefore() {
    refused(
        "\"fancy\"",
        "transforms",
        "must be \"standard\", \"maco\", \"none\" or a list of transforms");
    refused(
        "5",
        "transforms",
        "must be \"standard\", \"maco\", \"none\" or a list of at most 16 transforms");
    refused(
        "[" + "{\"type\": \"jitter\", \"pixels\": 1},".repeat(16) + "{\"type\": \"shear\"}]",
        "transforms",
        "must be \"standard\", \"maco\", \"none\" or a list of at most 16 transforms");
    refused(
        "[{\"type\": \"shear\"}]",
        "transforms[0].type",
        "must be one of [crops, jitter, noise, pad, rotate, scale]");
    refused(
        "[\"pad\"]",
        "transforms[0].type",
        "must be one of [crops, jitter, noise, pad, rotate, scale]");
    refused(
        "[{\"width\": 2}]",
        "transforms[0].type",
        "must be one of [crops, jitter, noise, pad, rotate, scale]");
    refused(
        "[{\"type\": \"pad\", \"width\": 1}, {\"type\": \"pad\", \"width\": 1.5}]",
        "transforms[1].width",
        "must be a whole number");
    refused("[{\"type\": \"pad\"}]", "transforms[0].width", "must be a whole number");
    refused(
        "[{\"type\": \"pad\", \"width\": \"2\"}]", "transforms[0].width", "must be a whole number");
    refused(
        "[{\"type\": \"pad\", \"width\": 2, \"colour\": 1}]",
        "transforms[0].colour",
        "is not a known field; known: [mode, type, value, width]");
    refused(
        "[{\"type\": \"pad\", \"width\": 2, \"mode\": \"wrap\"}]",
        "transforms[0].mode",
        "must be one of [constant, reflect]");
    refused(
        "[{\"type\": \"pad\", \"width\": 2, \"value\": null}]",
        "transforms[0].value",
        "must be a number");
    refused(
        "[{\"type\": \"pad\", \"width\": 2, \"value\": 2}]",
        "transforms[0]",
        "pad value must be between 0 and 1, got 2.0");
    refused(
        "[{\"type\": \"jitter\", \"pixels\": 2000}]",
        "transforms[0]",
        "jitter pixels must be between 0 and 1024, got 2000");
    refused(
        "[{\"type\": \"scale\", \"factors\": []}]",
        "transforms[0].factors",
        "must be a list of 1 to 64 numbers");
    refused(
        "[{\"type\": \"scale\", \"factors\": [1, \"2\"]}]",
        "transforms[0].factors[1]",
        "must be a number");
    refused(
        "[{\"type\": \"scale\", \"factors\": [5]}]",
        "transforms[0]",
        "scale factors must be greater than 0 and at most 4.0, got 5.0");
    refused(
        "[{\"type\": \"rotate\", \"degrees\": 5}]",
        "transforms[0].degrees",
        "must be a list of 1 to 64 numbers");
  }

  @Test
  void theSmallestSideFollowsEachKind() {
    assertEquals(
        24 + 24 - 8, Transforms.checkFits(List.of(Transforms.pad(12), Transforms.jitter(8)), 24));
    assertEquals(
        20, Transforms.checkFits(List.of(Transforms.scale(0.5, 1), Transforms.rotate(10)), 40));
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> Transforms.checkFits(List.of(Transforms.scale(0.5), Transforms.jitter(8)), 16));
    assertEquals(
        "jitter 8 needs an image larger than 8 pixels at that point, but it can be 8; lower the jitter"
            + " or render a larger image",
        e.getMessage());
  }

  @Test
  void theLargestSideFollowsEachKindAndIsBounded() {
    // Lucid's standard list on 128 px: pad 12 → 152, jitter 8 → 144, scale up to 1.1 → 158,
    // rotate → 158, jitter 4 → 154.
    assertArrayEquals(
        new int[] {152, 144, 158, 158, 154}, Transforms.largestSides(Transforms.standard(), 128));
    Transforms.checkLargest(Transforms.standard(), 1024);

    List<TransformSpec> issue = new java.util.ArrayList<>();
    for (int i = 0; i < 8; i++) {
      issue.add(Transforms.pad(1024));
    }
    issue.add(Transforms.scale(4));
    issue.add(Transforms.scale(4));
    int[] sides = Transforms.largestSides(issue, 1024);
    assertEquals((1024 + 16 * 1024) * 16, sides[9]);
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> Transforms.checkLargest(issue, 1024));
    assertEquals(
        "transforms[1] (pad) can make an image side of 5120 pixels from 1024; the transforms may"
            + " make at most 4096 pixels a side: use smaller pads or scale factors, or a smaller"
            + " image",
        e.getMessage());

    // Sixteen scales of 4 would leave the int range; the sides stop at the cap.
    List<TransformSpec> scales = java.util.Collections.nCopies(16, Transforms.scale(4));
    assertEquals(Transforms.SIDE_CAP, Transforms.largestSides(scales, 1024)[15]);
  }
}
