/**
 * The one home of every byte format the log and its clients share: base64 and hexadecimal
 * ({@link dev.stele.client.protocol.Encodings}, which says which alphabet and padding each
 * format takes), PEM, DER certificates and keys ({@link dev.stele.client.protocol.Der},
 * {@link dev.stele.client.protocol.KeyMaterial}), RFC 8785 canonical JSON, canonical entry
 * bodies and their identifiers, the signed entry timestamp payload, C2SP signed notes and
 * checkpoints, and the Rekor v1 JSON records. Other packages and modules call these instead of
 * {@code java.util.Base64}, {@code HexFormat} or {@code CertificateFactory}; a build check
 * (the architecture rules in the tests) holds them to it.
 *
 * <p>The server signs these bytes and the client verifies them; both call the code here, so
 * the two sides cannot drift apart. Parsers take input from the network and report problems as
 * checked exceptions ({@link dev.stele.client.protocol.FormatException},
 * {@link dev.stele.client.protocol.InvalidEntryException}) whose messages say what is wrong and
 * where. Sources are docs/protocol.md (which cites the Rekor v1 API), RFC 8785, RFC 7468 and the
 * C2SP signed-note and tlog-checkpoint specifications.
 */
package dev.stele.client.protocol;
