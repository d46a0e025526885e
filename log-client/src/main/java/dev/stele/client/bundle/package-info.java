/**
 * Sigstore bundles, versions 0.1 to 0.3: {@link dev.stele.client.bundle.Bundle} reads and writes
 * them; {@link dev.stele.client.bundle.BundleVerifier} verifies one offline, tying the bundle's
 * claims (signature, digest, certificate, kind) to the logged body and running every log entry
 * through the {@link dev.stele.client.verify.EntryVerifier}.
 */
package dev.stele.client.bundle;
