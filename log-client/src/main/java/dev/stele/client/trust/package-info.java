/**
 * What a verifier trusts: {@link dev.stele.client.trust.TrustRoot}, read from a Sigstore
 * {@code trusted_root.json} (transparency logs with their keys, log IDs and validity periods;
 * certificate authorities with their chains and validity periods) or made from a log's PEM public
 * key. {@link dev.stele.client.trust.ProtoJson} reads the protobuf JSON mapping that trusted roots
 * and bundles are written in.
 */
package dev.stele.client.trust;
