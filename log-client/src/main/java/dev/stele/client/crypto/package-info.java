/**
 * Signature primitives: one-method {@link dev.stele.client.crypto.SignatureVerifier} and
 * {@link dev.stele.client.crypto.Signer} interfaces, factories that accept only the key types
 * and sizes a transparency log deals with, and the log-key identity (log ID, key hint).
 *
 * <p>Verification never returns a boolean: it returns normally or throws a
 * {@link java.security.GeneralSecurityException}. Every object here is thread-safe and, but for
 * {@link dev.stele.client.crypto.VerifierCache} (parsed keys, bounded, owned by its user),
 * immutable; nothing here keeps state in static fields. Bouncy Castle's low-level engines do the arithmetic (about ten times faster than
 * the JDK 17 provider for ECDSA and Ed25519); message digests go through the JDK, which uses the
 * CPU's SHA instructions.
 */
package dev.stele.client.crypto;
