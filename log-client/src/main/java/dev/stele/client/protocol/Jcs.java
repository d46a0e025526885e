package dev.stele.client.protocol;

import com.fasterxml.jackson.databind.JsonNode;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * RFC 8785 JSON Canonicalization Scheme (JCS): the bytes of the stored entry bodies and of the
 * signed entry timestamp payload.
 *
 * <ul>
 *   <li>object members sorted by their names as UTF-16 code units (section 3.2.3; Java's
 *       {@link String#compareTo} is exactly that order);
 *   <li>no whitespace;
 *   <li>strings escaped as ECMAScript's {@code JSON.stringify} does (section 3.2.2.2): {@code \"},
 *       {@code \\}, {@code \b \f \n \r \t}, other controls as <code>&#92;u00XX</code> in lower-case hex,
 *       everything else as UTF-8; lone surrogates are an error;
 *   <li>numbers: only integers of magnitude at most 2<sup>53</sup>, which ECMAScript prints as
 *       plain decimal digits; this project never needs other numbers, and rejecting them beats
 *       printing a form that differs from section 3.2.2.3.
 * </ul>
 *
 * <p>Thread-safe; allocates one output buffer per call.
 */
public final class Jcs {
  /** The largest integer magnitude with an exact IEEE 754 double form (RFC 8785 section 3.2.2.3). */
  public static final long MAX_SAFE_INTEGER = 1L << 53;

  private static final byte[] HEX_DIGITS = "0123456789abcdef".getBytes(java.nio.charset.StandardCharsets.US_ASCII);

  private Jcs() {}

  /**
   * The canonical UTF-8 bytes of {@code node}.
   *
   * @throws FormatException for numbers that are not integers within ±2<sup>53</sup>, lone
   *     surrogates in strings, or nodes that are not plain JSON (binary, POJO, missing)
   */
  public static byte[] canonicalize(JsonNode node) throws FormatException {
    Sink out = new Sink(256);
    write(node, out);
    return out.toByteArray();
  }

  private static void write(JsonNode node, Sink out) throws FormatException {
    switch (node.getNodeType()) {
      case OBJECT:
        writeObject(node, out);
        break;
      case ARRAY:
        out.write('[');
        for (int i = 0; i < node.size(); i++) {
          if (i > 0) {
            out.write(',');
          }
          write(node.get(i), out);
        }
        out.write(']');
        break;
      case STRING:
        writeString(node.textValue(), out);
        break;
      case NUMBER:
        out.writeAscii(Long.toString(integerValue(node)));
        break;
      case BOOLEAN:
        out.writeAscii(node.booleanValue() ? "true" : "false");
        break;
      case NULL:
        out.writeAscii("null");
        break;
      default:
        throw new FormatException("cannot canonicalize a JSON node of type " + node.getNodeType());
    }
  }

  private static void writeObject(JsonNode node, Sink out) throws FormatException {
    List<Map.Entry<String, JsonNode>> members = new ArrayList<>(node.properties());
    members.sort(Map.Entry.comparingByKey());
    out.write('{');
    for (int i = 0; i < members.size(); i++) {
      if (i > 0) {
        out.write(',');
      }
      writeString(members.get(i).getKey(), out);
      out.write(':');
      write(members.get(i).getValue(), out);
    }
    out.write('}');
  }

  private static long integerValue(JsonNode node) throws FormatException {
    BigInteger value;
    if (node.isIntegralNumber()) {
      value = node.bigIntegerValue();
    } else {
      BigDecimal decimal = node.isBigDecimal() ? node.decimalValue() : toDecimal(node.doubleValue());
      BigDecimal stripped = decimal.stripTrailingZeros();
      if (stripped.scale() > 0) {
        throw new FormatException("cannot canonicalize the non-integral number " + node.asText()
            + " (only integers are supported)");
      }
      value = stripped.toBigIntegerExact();
    }
    if (value.abs().compareTo(BigInteger.valueOf(MAX_SAFE_INTEGER)) > 0) {
      throw new FormatException("cannot canonicalize the integer " + value
          + ": beyond ±2^53 it has no exact RFC 8785 number form");
    }
    return value.longValue();
  }

  private static BigDecimal toDecimal(double d) throws FormatException {
    if (Double.isNaN(d) || Double.isInfinite(d)) {
      throw new FormatException("cannot canonicalize the number " + d);
    }
    return new BigDecimal(d);
  }

  /** Writes {@code s} as a JSON string literal with RFC 8785 escaping. */
  static void writeString(String s, Sink out) throws FormatException {
    out.write('"');
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c < 0x80) {
        switch (c) {
          case '"':
            out.write('\\');
            out.write('"');
            break;
          case '\\':
            out.write('\\');
            out.write('\\');
            break;
          case '\b':
            out.write('\\');
            out.write('b');
            break;
          case '\f':
            out.write('\\');
            out.write('f');
            break;
          case '\n':
            out.write('\\');
            out.write('n');
            break;
          case '\r':
            out.write('\\');
            out.write('r');
            break;
          case '\t':
            out.write('\\');
            out.write('t');
            break;
          default:
            if (c < 0x20) {
              out.writeAscii("\\u00");
              out.write(HEX_DIGITS[c >>> 4]);
              out.write(HEX_DIGITS[c & 0xf]);
            } else {
              out.write(c);
            }
        }
      } else if (c < 0x800) {
        out.write(0xc0 | (c >>> 6));
        out.write(0x80 | (c & 0x3f));
      } else if (Character.isSurrogate(c)) {
        if (!Character.isHighSurrogate(c) || i + 1 >= s.length()
            || !Character.isLowSurrogate(s.charAt(i + 1))) {
          throw new FormatException(
              String.format("lone surrogate U+%04X at position %d of a JSON string", (int) c, i));
        }
        int cp = Character.toCodePoint(c, s.charAt(++i));
        out.write(0xf0 | (cp >>> 18));
        out.write(0x80 | ((cp >>> 12) & 0x3f));
        out.write(0x80 | ((cp >>> 6) & 0x3f));
        out.write(0x80 | (cp & 0x3f));
      } else {
        out.write(0xe0 | (c >>> 12));
        out.write(0x80 | ((c >>> 6) & 0x3f));
        out.write(0x80 | (c & 0x3f));
      }
    }
    out.write('"');
  }

  /** An unsynchronized growable byte buffer. */
  static final class Sink {
    private byte[] buf;
    private int size;

    Sink(int capacity) {
      buf = new byte[capacity];
    }

    void write(int b) {
      if (size == buf.length) {
        buf = Arrays.copyOf(buf, buf.length * 2);
      }
      buf[size++] = (byte) b;
    }

    void writeAscii(String s) {
      for (int i = 0; i < s.length(); i++) {
        write(s.charAt(i));
      }
    }

    byte[] toByteArray() {
      return Arrays.copyOf(buf, size);
    }
  }
}
