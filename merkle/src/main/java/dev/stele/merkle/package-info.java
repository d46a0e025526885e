/**
 * RFC 6962 / RFC 9162 Merkle trees with SHA-256: the {@link dev.stele.merkle.Hash} value, the
 * hashing rules ({@link dev.stele.merkle.Rfc6962}, the only place that knows the 0x00/0x01
 * prefixes), node addresses ({@link dev.stele.merkle.NodeId}) and compact ranges ({@link
 * dev.stele.merkle.CompactRange}), from which roots are computed and which report every new
 * perfect node to a store.
 *
 * <p>Sizes and indices are {@code long} and must be non-negative; nothing here has a runtime
 * dependency beyond the JDK.
 */
package dev.stele.merkle;
