/**
 * The one home of every byte format the log and its clients share: RFC 8785 canonical JSON,
 * PEM, canonical entry bodies and their identifiers, the signed entry timestamp payload,
 * C2SP signed notes and checkpoints, and the Rekor v1 JSON records.
 *
 * <p>The server signs these bytes and the client verifies them; both call the code here, so
 * the two sides cannot drift apart. Parsers take input from the network and report problems as
 * checked exceptions ({@link dev.stele.client.protocol.FormatException},
 * {@link dev.stele.client.protocol.InvalidEntryException}) whose messages say what is wrong and
 * where. Sources are PROTOCOL.md (which cites the Rekor v1 API), RFC 8785, RFC 7468 and the
 * C2SP signed-note and tlog-checkpoint specifications.
 */
package dev.stele.client.protocol;
