package dev.stele.admission.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ImageGlobTest {
  @ParameterizedTest(name = "{0} ~ {1} = {2}")
  @CsvSource({
      "registry.example.com/team/app, registry.example.com/team/app, true",
      "registry.example.com/team/app, registry.example.com/team/app2, false",
      "registry.example.com/team/*, registry.example.com/team/app, true",
      "registry.example.com/team/*, registry.example.com/team/app/api, false",
      "registry.example.com/team/**, registry.example.com/team/app/api, true",
      "registry.example.com/team/**, registry.example.com/teams/app, false",
      "registry.example.com/*/app, registry.example.com/team/app, true",
      "*.example.com/**, eu.example.com/team/app, true",
      "*.example.com/**, example.com/team/app, false",
      "**, docker.io/library/nginx, true",
      "127.0.0.1:5000/demo/app?, 127.0.0.1:5000/demo/app1, true",
      "127.0.0.1:5000/demo/app?, 127.0.0.1:5000/demo/app, false",
      "docker.io/library/nginx, docker.io/library/nginx, true",
      "registry.example.com/a.b/c, registry.example.com/aXb/c, false",
  })
  void matches(String pattern, String name, boolean expected) {
    assertEquals(expected, ImageGlob.compile(pattern).matches(name));
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', value = {
      "nginx|does not start with a registry host",
      "library/nginx|does not start with a registry host",
      "registry.example.com/app:v1|names a tag",
      "registry.example.com/app@sha256:00|names a digest",
      "' registry.example.com/app'|white space",
  })
  void compile_refusesWhatCannotMatchANormalizedName(String pattern, String why) {
    String m = assertThrows(IllegalArgumentException.class, () -> ImageGlob.compile(pattern)).getMessage();
    assertTrue(m.contains(why), m);
  }
}
