package org.lucerna.optvis.param;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.lucerna.optvis.SpecFormatException;

/**
 * The parametrization's request form: defaults, the form written back, and errors that name the
 * field.
 */
class ParamSpecJsonTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  record Request(ParamSpec param) {}

  private static ParamSpec read(String param) throws Exception {
    return JSON.readValue("{\"param\": " + param + "}", Request.class).param();
  }

  private static void refused(String param, String field, String message) {
    JsonMappingException e = assertThrows(JsonMappingException.class, () -> read(param));
    SpecFormatException cause = assertInstanceOf(SpecFormatException.class, e.getCause());
    assertEquals(field, cause.field(), param);
    assertEquals(message, cause.getMessage(), param);
  }

  @Test
  void defaultsAndTheWrittenForm() throws Exception {
    assertEquals(ParamSpec.DEFAULT, read("{}"));
    assertEquals(
        new ParamSpec(ParamSpec.Kind.PIXEL, 0, true, ParamSpec.Squash.SIGMOID, 1),
        read("{\"type\": \"pixel\"}"));
    assertEquals(
        new ParamSpec(ParamSpec.Kind.FOURIER, 2, false, ParamSpec.Squash.CLIP, 3),
        read(
            "{\"type\": \"Fourier\", \"decay\": 2, \"decorrelate\": false, \"squash\": \"clip\", \"gain\": 3}"));
    assertEquals(
        "{\"type\":\"fourier\",\"decay\":1.0,\"decorrelate\":true,\"squash\":\"sigmoid\",\"gain\":0.5}",
        JSON.writeValueAsString(ParamSpec.DEFAULT));
    assertEquals(
        "{\"type\":\"pixel\",\"decay\":1.0,\"decorrelate\":false,\"squash\":\"clip\",\"gain\":1.0}",
        JSON.writeValueAsString(ParamSpec.pixel(false, ParamSpec.Squash.CLIP)));
  }

  @Test
  void errorsNameTheFieldAsBefore() {
    refused("5", "param", "must be an object such as {\"type\": \"fourier\"}");
    refused(
        "{\"kind\": \"pixel\"}",
        "param.kind",
        "is not a known field; known: [decay, decorrelate, gain, squash, type]");
    refused("{\"type\": \"wavelet\"}", "param.type", "must be one of [fourier, pixel, maco, cppn]");
    refused("{\"squash\": 1}", "param.squash", "must be one of [sigmoid, clip]");
    refused("{\"decay\": \"1\"}", "param.decay", "must be a number");
    refused("{\"decorrelate\": 1}", "param.decorrelate", "must be true or false");
    refused("{\"decay\": 1000}", "param", "decay must be between 0 and 10.0, got 1000.0");
    refused("{\"gain\": 0}", "param", "gain must be greater than 0 and at most 1000, got 0.0");
  }
}
