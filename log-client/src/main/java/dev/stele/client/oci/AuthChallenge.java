package dev.stele.client.oci;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * One challenge of a {@code WWW-Authenticate} header (RFC 9110 section 11.6.1): a scheme and
 * its parameters, e.g. {@code Bearer realm="https://auth.example/token",service="registry",
 * scope="repository:demo/hello:pull"}. Parameter names are lower-cased; quoted values are
 * unescaped.
 */
record AuthChallenge(String scheme, Map<String, String> params) {

  String param(String name) {
    return params.get(name);
  }

  boolean isBearer() {
    return scheme.equalsIgnoreCase("Bearer");
  }

  boolean isBasic() {
    return scheme.equalsIgnoreCase("Basic");
  }

  /** All challenges in the given header values; malformed ones end the parse of their header. */
  static List<AuthChallenge> parse(List<String> headerValues) {
    List<AuthChallenge> out = new ArrayList<>();
    for (String value : headerValues) {
      parseOne(value, out);
    }
    return out;
  }

  private static void parseOne(String s, List<AuthChallenge> out) {
    int i = 0;
    int n = s.length();
    String scheme = null;
    Map<String, String> params = new LinkedHashMap<>();
    while (i < n) {
      i = skip(s, i);
      int start = i;
      while (i < n && isTokenChar(s.charAt(i))) {
        i++;
      }
      if (start == i) {
        if (i < n && s.charAt(i) == ',') {
          i++;
          continue;
        }
        break; // not a token: stop parsing this header
      }
      String token = s.substring(start, i);
      int j = skip(s, i);
      if (j < n && s.charAt(j) == '=' && scheme != null) {
        // a parameter of the current challenge
        j = skip(s, j + 1);
        String value;
        if (j < n && s.charAt(j) == '"') {
          StringBuilder b = new StringBuilder();
          j++;
          while (j < n && s.charAt(j) != '"') {
            char c = s.charAt(j);
            if (c == '\\' && j + 1 < n) {
              j++;
              c = s.charAt(j);
            }
            b.append(c);
            j++;
          }
          j++; // closing quote (or past the end)
          value = b.toString();
        } else {
          int vs = j; // unquoted: lenient, up to the next comma or white space
          while (j < n && s.charAt(j) != ',' && s.charAt(j) != ' ' && s.charAt(j) != '\t') {
            j++;
          }
          value = s.substring(vs, j);
        }
        params.put(token.toLowerCase(Locale.ROOT), value);
        i = skip(s, j);
        if (i < n && s.charAt(i) == ',') {
          i++;
        }
      } else {
        // a new scheme
        if (scheme != null) {
          out.add(new AuthChallenge(scheme, Map.copyOf(params)));
          params.clear();
        }
        scheme = token;
        i = j;
      }
    }
    if (scheme != null) {
      out.add(new AuthChallenge(scheme, Map.copyOf(params)));
    }
  }

  private static int skip(String s, int i) {
    while (i < s.length() && (s.charAt(i) == ' ' || s.charAt(i) == '\t')) {
      i++;
    }
    return i;
  }

  private static boolean isTokenChar(char c) {
    return c > 32 && c < 127 && "\"(),/:;<=>?@[\\]{}".indexOf(c) < 0;
  }
}
