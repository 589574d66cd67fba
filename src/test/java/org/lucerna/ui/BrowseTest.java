package org.lucerna.ui;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import java.net.URL;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.WebElement;

/** Scenario 1, browse: models as the API lists them, a model's layers, the filter, Back. */
@QuarkusTest
@TestProfile(UiProfile.class)
class BrowseTest {
  @TestHTTPResource("/")
  URL root;

  @Test
  void modelsAndLayersMatchTheApiAndTheFilterSurvivesBack() {
    List<String> models =
        given().get("/models").then().statusCode(200).extract().path("models.name");
    List<Map<String, Object>> layers =
        given().get("/models/tiny_cnn/layers").then().statusCode(200).extract().path("layers");
    try (Browser b = Browser.open(root)) {
      b.go("#/");
      b.await("#models .model");
      assertEquals(models, b.all("#models .model h2").stream().map(WebElement::getText).toList());

      b.find("#models a[href='#/m/tiny_cnn']").click();
      b.await("#layers tbody tr");
      Map<String, String> shown =
          b.all("#layers tbody tr").stream()
              .collect(
                  Collectors.toMap(
                      r -> r.findElement(org.openqa.selenium.By.cssSelector("td a")).getText(),
                      r -> r.findElement(org.openqa.selenium.By.cssSelector("td.num")).getText()));
      Map<String, String> api =
          layers.stream()
              .collect(
                  Collectors.toMap(
                      l -> String.valueOf(l.getOrDefault("displayName", l.get("name"))),
                      l -> String.valueOf(l.get("channels"))));
      assertEquals(api, shown);

      b.find("#filter").sendKeys("conv3");
      long expected =
          layers.stream()
              .filter(l -> String.valueOf(l.get("name")).toLowerCase().contains("conv3"))
              .count();
      assertTrue(
          expected >= 1 && expected < layers.size(), "the filter should narrow tiny_cnn's layers");
      assertEquals(expected, visibleRows(b));
      assertTrue(b.hash().contains("q=conv3"), b.hash());

      b.find("#layers a[href='#/m/tiny_cnn/conv3']").click();
      b.await("#tiles");
      b.driver().navigate().back();
      b.await("#layers tbody tr");
      assertEquals("conv3", b.find("#filter").getAttribute("value"));
      assertEquals(expected, visibleRows(b));
    }
  }

  private static long visibleRows(Browser b) {
    return b.all("#layers tbody tr").stream().filter(WebElement::isDisplayed).count();
  }
}
