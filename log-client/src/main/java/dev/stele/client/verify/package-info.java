/**
 * Verification of log entries: {@link dev.stele.client.verify.EntryVerifier} runs a fixed
 * sequence of checks (artifact signature, log, inclusion proof, checkpoint, signed entry
 * timestamp, signing certificate, identity, consistency) and either returns what it established
 * or throws a {@link dev.stele.client.verify.VerificationException} naming the
 * {@link dev.stele.client.verify.Stage} that failed. There is no boolean result to forget.
 *
 * <p>{@link dev.stele.client.verify.Expected} says what the caller expects: the artifact, the
 * signers it accepts (public keys, or certificates matching an
 * {@link dev.stele.client.verify.IdentityPolicy}), and which evidence must be present. A policy can
 * only relax presence; evidence that is present is always checked.
 *
 * <pre>{@code
 * EntryVerifier verifier = new EntryVerifier(TrustRoot.forLogKey(logUrl, logKey));
 * Expected expected = Expected.builder(Artifact.sha256Of(bytes)).trustedKey(signerKey).build();
 * try {
 *   VerifiedEntry v = verifier.verify(entry, expected);
 * } catch (VerificationException e) {
 *   // e.stage() failed; e.getMessage() says what and with which values
 * }
 * }</pre>
 *
 * <p>Not checked: signed certificate timestamps (SCTs) in signing certificates, and RFC 3161
 * timestamps; the only source of signed time is the log's signed entry timestamp. Rekor v2
 * entries are not supported.
 */
package dev.stele.client.verify;
